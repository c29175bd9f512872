using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Images.SecureBoot;

/// <summary>
/// Signs an app or bootloader image for Secure Boot V2, byte-compatible with
/// <c>espsecure sign-data --version 2</c>: the image proper, 0xFF to the next 4 KiB boundary, then a
/// 4 KiB sector of up to three blocks. Only an image <see cref="AppImageReader"/> finds valid is signed,
/// and only with schemes its chip can boot (<see cref="SecureBootPolicy"/>).
/// </summary>
/// <remarks>
/// Re-signing a signed image replaces its sector: the signature covers everything before the sector,
/// which is the same padded image, so the old blocks are simply dropped (espsecure without
/// <c>--append-signatures</c> would instead sign the old sector as data, which no device accepts).
/// With <c>appendSignatures</c> the existing valid blocks are kept and the new ones follow, as
/// <c>espsecure --append-signatures</c> does.
/// </remarks>
public static class SecureBootSigner
{
    /// <summary>Signs <paramref name="file"/> (the image's bytes; <paramref name="name"/> names it in messages) with private keys.</summary>
    public static SignedImage Sign(byte[] file, string name, IReadOnlyList<SecureBootKey> keys, bool appendSignatures = false)
    {
        if (keys.Count == 0)
        {
            throw new EspReleaseException(DiagnosticCodes.KeyMissing, $"{name}: no Secure Boot key given; pass --secure-boot-key KEY.pem (up to {SignatureBlock.MaxBlocks}).", name, FailureKind.Usage);
        }

        if (keys.FirstOrDefault(k => !k.HasPrivateKey) is { } publicOnly)
        {
            throw new EspReleaseException(DiagnosticCodes.SecureBootKeyInvalid, $"{publicOnly.Origin}: a public key cannot sign; pass the private key, or sign elsewhere and attach with --signature.", publicOnly.Origin, FailureKind.Usage);
        }

        var image = Prepare(file, name, appendSignatures, keys.Select(k => k.Scheme));
        var blocks = keys.Select(k =>
        {
            var digest = image.Digest.For(k.Scheme);
            return SignatureBlockWriter.Block(k, digest, k.Sign(digest));
        });
        return Assemble(image, name, blocks.ToList());
    }

    /// <summary>What must be signed outside (HSM, KMS): the padded image and its digests. Checks the image as <see cref="Sign"/> does.</summary>
    public static SecureBootDigest EmitDigest(byte[] file, string name) => Prepare(file, name, appendSignatures: false, []).Digest;

    /// <summary>
    /// Builds a block from a signature made elsewhere over <see cref="EmitDigest"/>'s digest, after
    /// checking it verifies with <paramref name="publicKey"/>; a signature that does not is refused.
    /// </summary>
    public static SignedImage AttachSignature(byte[] file, string name, byte[] signature, SecureBootKey publicKey, bool appendSignatures = false)
    {
        var image = Prepare(file, name, appendSignatures, [publicKey.Scheme]);
        var digest = image.Digest.For(publicKey.Scheme);
        var accepted = publicKey.AcceptSignature(digest, signature)
            ?? throw new EspReleaseException(DiagnosticCodes.SecureBootSignatureRejected,
                $"{name}: the signature ({signature.Length} bytes) does not verify with {publicKey.Scheme.Name()} key {publicKey.Origin} over {(publicKey.Scheme.UsesSha384() ? "SHA-384" : "SHA-256")} {Convert.ToHexStringLower(digest)}, the digest of this image padded to 4 KiB. Sign exactly that digest (RSA: PSS, MGF1-SHA256, salt 32, e.g. `openssl pkeyutl -sign -pkeyopt digest:sha256 -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32`), with the private half of this public key.",
                name, FailureKind.Refused);
        return Assemble(image, name, [SignatureBlockWriter.Block(publicKey, digest, accepted)]);
    }

    private static SignedImage Assemble(PreparedImage image, string name, List<byte[]> newBlocks)
    {
        var sector = SignatureBlockWriter.Sector(image.Kept.Concat(newBlocks));
        var blocks = SignatureBlock.ReadSector(sector, image.Digest.Sha256, image.Digest.Sha384);
        // Read back what was written with the reader inspect uses: a block that would not verify never leaves here.
        if (blocks.Count != image.Kept.Count + newBlocks.Count || blocks.Any(b => !b.DigestMatches || b.SignatureValid != true))
        {
            throw new EspReleaseException(DiagnosticCodes.InternalError, $"{name}: a Secure Boot block esp-release just made does not verify; nothing was written. Please report this.", name);
        }

        return new SignedImage([.. image.Digest.PaddedImage, .. sector], blocks, image.Kept.Count, image.Replaced, image.Digest.Chip, image.Digest.Sha256);
    }

    private static PreparedImage Prepare(byte[] file, string name, bool appendSignatures, IEnumerable<SecureBootScheme> newSchemes)
    {
        var inspection = AppImageReader.Inspect(new MemoryStream(file, writable: false), name);
        if (!inspection.Valid)
        {
            throw new EspReleaseException([.. inspection.Errors], FailureKind.Refused);
        }

        if (inspection.Kind is not (ImageKind.App or ImageKind.Bootloader) || inspection.Chip is null || inspection.Header is null)
        {
            throw new EspReleaseException(DiagnosticCodes.SecureBootImageNotSignable,
                $"{name}: not an ESP32-family app or bootloader image ({inspection.Kind}); Secure Boot V2 signs the .bin `idf.py build` writes (build/<project>.bin, or <project>-unsigned.bin with CONFIG_SECURE_BOOT_BUILD_SIGNED_BINARIES).", name, FailureKind.Refused);
        }

        if (inspection.Trailer == TrailerKind.SecureBootV1)
        {
            throw new EspReleaseException(DiagnosticCodes.SecureBootImageNotSignable,
                $"{name}: a Secure Boot V1 / signed-app ECDSA signature follows the image; V1 and V2 signatures cannot be combined. Sign the unsigned image (build with CONFIG_SECURE_BOOT_BUILD_SIGNED_BINARIES off).", name, FailureKind.Refused);
        }

        var length = (int)inspection.ImageLength;
        var padded = new byte[(length + SignatureBlock.SectorSize - 1) / SignatureBlock.SectorSize * SignatureBlock.SectorSize];
        file.AsSpan(0, length).CopyTo(padded);
        padded.AsSpan(length).Fill(0xFF);
        var digest = new SecureBootDigest(padded, SHA256.HashData(padded), SHA384.HashData(padded), inspection.Chip);

        var existing = inspection.Trailer == TrailerKind.SecureBootV2 ? inspection.Signatures : [];
        var kept = new List<byte[]>();
        if (appendSignatures)
        {
            var sectorStart = file.Length - SignatureBlock.SectorSize;
            foreach (var block in existing)
            {
                // A sector after extra filler is not where the device looks (align_up(image_len, 4 KiB)): its blocks sign other data.
                if (!block.StoredDigest.AsSpan().SequenceEqual(block.StoredDigest.Length == 48 ? digest.Sha384 : digest.Sha256))
                {
                    throw new EspReleaseException(DiagnosticCodes.SecureBootImageNotSignable,
                        $"{name}: existing signature block {block.Index} does not sign the image padded to its 4 KiB boundary (the sector is not where the device looks for it), so it cannot be kept. Re-sign without --append-signatures.", name, FailureKind.Refused);
                }

                kept.Add(file.AsSpan(sectorStart + block.Index * SignatureBlock.Size, SignatureBlock.Size).ToArray());
            }
        }

        var keptSchemes = appendSignatures ? existing.Select(b => SecureBootSchemes.FromName(b.Scheme)
            ?? throw new EspReleaseException(DiagnosticCodes.SecureBootImageNotSignable, $"{name}: existing block {b.Index} has an unknown scheme ({b.Scheme}); re-sign without --append-signatures.", name, FailureKind.Refused)) : [];
        SecureBootPolicy.Check(inspection.Chip, inspection.Header, [.. keptSchemes, .. newSchemes], name);
        return new PreparedImage(digest, kept, appendSignatures ? 0 : existing.Count);
    }

    private sealed record PreparedImage(SecureBootDigest Digest, IReadOnlyList<byte[]> Kept, int Replaced);
}
