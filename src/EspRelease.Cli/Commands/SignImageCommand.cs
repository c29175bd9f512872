using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images.SecureBoot;
using EspRelease.Core.IO;

namespace EspRelease.Cli.Commands;

/// <summary>
/// <c>esp-release sign-image IMAGE</c>: Secure Boot V2 signing, byte-compatible with
/// <c>espsecure sign-data --version 2</c>; or the two halves of signing in an HSM/KMS.
/// </summary>
internal sealed class SignImageCommand : ReleaseCommandBase
{
    public SignImageCommand(Option<DiagnosticsFormat> format)
        : base("sign-image", "Sign an app or bootloader image for Secure Boot V2, as `espsecure sign-data --version 2` does: the image, 0xFF to the next 4 KiB, then a 4 KiB sector of up to 3 signature blocks. A scheme the chip cannot boot is refused (ESP32/S2/S3/C3: RSA-3072 only; C2: ECDSA only; P-384: C5 and P4 v3.0+). The device trusts a block when SHA-256 of its public key (printed as the key digest; `espsecure digest-sbv2-public-key`) is in eFuse (`espefuse burn-key-digest`). To sign in an HSM or KMS: --emit-digest FILE, sign that digest there, then --signature SIG --secure-boot-pub PUB.", format)
    {
        Arguments.Add(ImageArgument);
        foreach (var option in new Option[] { KeyOption, OutOption, EmitDigestOption, SignatureOption, PublicKeyOption, AppendOption })
        {
            Options.Add(option);
        }
    }

    internal Argument<string> ImageArgument { get; } = new("image") { Description = "The image to sign: build/<project>.bin (or <project>-unsigned.bin), or bootloader/bootloader.bin." };

    internal Option<string[]> KeyOption { get; } = new("--secure-boot-key") { Description = "A private key (PEM: PKCS#1, SEC1 or PKCS#8; RSA-3072, ECDSA P-256 or P-384). Repeat for up to 3 keys, one block each (espsecure --keyfile)." };

    internal Option<string?> OutOption { get; } = new("--out", "-o") { Description = "The signed image to write (atomically). Default: <name>-signed.bin beside the image." };

    internal Option<string?> EmitDigestOption { get; } = new("--emit-digest") { Description = "Write the raw digest to sign (32 bytes SHA-256; 48 bytes SHA-384 when --secure-boot-pub is a P-384 key) to this file, and the padded image to FILE.padded.bin, for an HSM/KMS that signs a pre-hashed digest. Nothing is signed." };

    internal Option<string?> SignatureOption { get; } = new("--signature") { Description = "A signature made elsewhere over the --emit-digest digest (RSA: 384 raw bytes, PSS/MGF1-SHA256/salt 32; ECDSA: DER, or raw r‖s). Needs --secure-boot-pub; it is verified before the block is built (espsecure --signature --pub-key)." };

    internal Option<string?> PublicKeyOption { get; } = new("--secure-boot-pub") { Description = "The public key (PEM) of the external signer, for --signature and --emit-digest." };

    internal Option<bool> AppendOption { get; } = new("--append-signatures") { Description = "Keep the image's existing valid blocks and add the new ones after them (espsecure --append-signatures). Without it, re-signing replaces the sector." };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var path = context.Parse.GetRequiredValue(ImageArgument);
        var image = InputFile.ReadAllBytes(path);
        var publicKey = context.Get(PublicKeyOption) is { } pub ? SecureBootKeyLoader.Load(pub, requirePrivate: false) : null;

        if (context.Get(EmitDigestOption) is { } digestPath)
        {
            var toSign = SecureBootSigner.EmitDigest(image, path);
            var digest = publicKey is { Scheme: SecureBootScheme.EcdsaP384 } ? toSign.Sha384 : toSign.Sha256;
            AtomicFile.WriteAllBytes(digestPath, digest);
            AtomicFile.WriteAllBytes(digestPath + ".padded.bin", toSign.PaddedImage);
            Report(context, w => w.WriteString("digest", Convert.ToHexStringLower(digest)), $"Digest to sign ({digest.Length * 8}-bit): {Convert.ToHexStringLower(digest)}\nWritten: {digestPath} (raw digest), {digestPath}.padded.bin (the padded image it is the hash of)\nSign it pre-hashed, e.g. `openssl pkeyutl -sign -inkey KEY.pem -in {digestPath} -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32 -out sig.bin`, then: esp-release sign-image {path} --signature sig.bin --secure-boot-pub PUB.pem");
            return Task.FromResult(ExitCodes.Success);
        }

        var append = context.Get(AppendOption);
        SignedImage signed;
        if (context.Get(SignatureOption) is { } signaturePath)
        {
            var key = publicKey ?? throw new EspReleaseException(DiagnosticCodes.KeyMissing, "--signature needs --secure-boot-pub: the public key of the signer, to check the signature and to put in the block.", kind: FailureKind.Usage);
            signed = SecureBootSigner.AttachSignature(image, path, InputFile.ReadAllBytes(signaturePath), key, append);
        }
        else
        {
            var keys = (context.Get(KeyOption) ?? []).Select(k => SecureBootKeyLoader.Load(k, requirePrivate: true)).ToList();
            signed = SecureBootSigner.Sign(image, path, keys, append);
        }

        var output = Path.GetFullPath(context.Get(OutOption) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, Path.GetFileNameWithoutExtension(path) + "-signed.bin"));
        AtomicFile.WriteAllBytes(output, signed.Bytes);
        context.Results["SignedImage"] = output;
        Report(context, w =>
        {
            w.WriteString("output", output);
            w.WriteString("chip", signed.Chip.IdfTarget);
            w.WriteNumber("size", signed.Bytes.Length);
            w.WriteNumber("keptBlocks", signed.KeptBlocks);
            w.WriteNumber("replacedBlocks", signed.ReplacedBlocks);
            w.WriteStartArray("blocks");
            foreach (var b in signed.Blocks)
            {
                w.WriteStartObject();
                w.WriteNumber("block", b.Index);
                w.WriteString("scheme", b.Scheme);
                w.WriteString("keyDigest", Convert.ToHexStringLower(b.KeyDigest));
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }, $"Signed: {output} ({signed.Bytes.Length} bytes, {signed.Chip.Name}{(signed.ReplacedBlocks > 0 ? $", replaced {signed.ReplacedBlocks} existing block(s)" : "")})\n" +
            string.Join('\n', signed.Blocks.Select(b => $"  block {b.Index}: {b.Scheme}, key digest {Convert.ToHexStringLower(b.KeyDigest)} (the eFuse key digest)")));
        return Task.FromResult(ExitCodes.Success);
    }

    private static void Report(CommandContext context, Action<System.Text.Json.Utf8JsonWriter> json, string text)
    {
        if (context.Json)
        {
            JsonDocumentWriter.Write(context.Stdout, w =>
            {
                w.WriteBoolean("ok", true);
                json(w);
            });
        }
        else
        {
            context.Stdout.WriteLine(text);
        }
    }
}
