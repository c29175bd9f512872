using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Images.SecureBoot;
using static EspRelease.Core.Tests.Images.SecureBoot.SecureBootTestImages;

namespace EspRelease.Core.Tests.Images.SecureBoot;

/// <summary>Signing elsewhere (HSM, KMS): emit the digest, sign it with .NET outside, attach; and re-signing a signed image.</summary>
public sealed class SecureBootExternalSigningTests
{
    [Fact]
    public void Emit_then_sign_outside_then_attach_gives_a_verified_RSA_block()
    {
        var (key, rsa) = Rsa();
        var pub = SecureBootKeyLoader.FromPem(rsa.ExportSubjectPublicKeyInfoPem(), "pub.pem", requirePrivate: false);

        var toSign = SecureBootSigner.EmitDigest(Unsigned, "blink.bin");
        Assert.Equal(0x2D000, toSign.PaddedImage.Length);
        Assert.Equal(SHA256.HashData(toSign.PaddedImage), toSign.Sha256);
        var signature = rsa.SignHash(toSign.Sha256, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);

        var signed = SecureBootSigner.AttachSignature(Unsigned, "blink.bin", signature, pub);

        var block = Assert.Single(AppImageReader.Inspect(new MemoryStream(signed.Bytes), "signed.bin").Signatures);
        Assert.True(block.SignatureValid);
        Assert.Equal(key.KeyDigest, block.KeyDigest);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Attaches_an_ECDSA_P384_signature_in_DER_or_raw_form(bool der)
    {
        var (_, ecdsa) = P384();
        var pub = SecureBootKeyLoader.FromPem(ecdsa.ExportSubjectPublicKeyInfoPem(), "pub.pem", requirePrivate: false);
        var toSign = SecureBootSigner.EmitDigest(C5App(), "c5.bin");
        var signature = ecdsa.SignHash(toSign.Sha384, der ? DSASignatureFormat.Rfc3279DerSequence : DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        var signed = SecureBootSigner.AttachSignature(C5App(), "c5.bin", signature, pub);

        Assert.True(AppImageReader.Inspect(new MemoryStream(signed.Bytes), "signed.bin").Valid);
        Assert.Equal("ECDSA-P384", Assert.Single(signed.Blocks).Scheme);
    }

    [Fact]
    public void A_signature_that_does_not_verify_is_refused()
    {
        var (_, rsa) = Rsa();
        var (_, other) = Rsa();
        var pub = SecureBootKeyLoader.FromPem(rsa.ExportSubjectPublicKeyInfoPem(), "pub.pem", requirePrivate: false);
        var digest = SecureBootSigner.EmitDigest(Unsigned, "blink.bin").Sha256;

        var wrongKey = other.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        var wrongData = rsa.SignHash(SHA256.HashData(Unsigned), HashAlgorithmName.SHA256, RSASignaturePadding.Pss); // the unpadded file

        foreach (var bad in new[] { wrongKey, wrongData, new byte[384], new byte[10] })
        {
            var e = Assert.Throws<EspReleaseException>(() => SecureBootSigner.AttachSignature(Unsigned, "blink.bin", bad, pub));
            Assert.Equal(DiagnosticCodes.SecureBootSignatureRejected, e.Diagnostic.Code);
        }
    }

    [Fact]
    public void Re_signing_replaces_the_sector_and_append_keeps_existing_blocks()
    {
        var (first, _) = P256();
        var (second, _) = P256();
        var (third, _) = P256();
        var once = SecureBootSigner.Sign(C6App(), "c6.bin", [first]).Bytes;

        var replaced = SecureBootSigner.Sign(once, "c6.bin", [second]);
        Assert.Equal(once.Length, replaced.Bytes.Length);
        Assert.Equal(1, replaced.ReplacedBlocks);
        Assert.Equal(second.KeyDigest, Assert.Single(replaced.Blocks).KeyDigest);

        var appended = SecureBootSigner.Sign(once, "c6.bin", [second, third], appendSignatures: true);
        Assert.Equal(once.Length, appended.Bytes.Length);
        Assert.Equal(1, appended.KeptBlocks);
        Assert.Equal([first.KeyDigest, second.KeyDigest, third.KeyDigest], appended.Blocks.Select(b => b.KeyDigest));
        Assert.Equal(once[..(once.Length - 4096)], appended.Bytes[..(once.Length - 4096)]);
        Assert.True(appended.Bytes.AsSpan(once.Length - 4096, 1216).SequenceEqual(once.AsSpan(once.Length - 4096, 1216)));

        var full = Assert.Throws<EspReleaseException>(() => SecureBootSigner.Sign(appended.Bytes, "c6.bin", [first], appendSignatures: true));
        Assert.Equal(DiagnosticCodes.SecureBootTooManyBlocks, full.Diagnostic.Code);
        var (rsa, _) = Rsa();
        var mixed = Assert.Throws<EspReleaseException>(() => SecureBootSigner.Sign(once, "c6.bin", [rsa], appendSignatures: true));
        Assert.Equal(DiagnosticCodes.SecureBootMixedSchemes, mixed.Diagnostic.Code);
    }

    [Theory]
    [InlineData("-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----\n", true)]
    [InlineData("not a key", false)]
    [InlineData("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", false)]
    public void Unusable_keys_are_refused_with_a_key_error(string pem, bool requirePrivate)
    {
        var e = Assert.Throws<EspReleaseException>(() => SecureBootKeyLoader.FromPem(pem, "k.pem", requirePrivate));

        Assert.Equal(DiagnosticCodes.SecureBootKeyInvalid, e.Diagnostic.Code);
    }

    [Fact]
    public void An_RSA_2048_key_is_refused()
    {
        using var rsa2048 = RSA.Create(2048);
        Assert.Equal(DiagnosticCodes.SecureBootKeyInvalid,
            Assert.Throws<EspReleaseException>(() => SecureBootKeyLoader.FromPem(rsa2048.ExportPkcs8PrivateKeyPem(), "k.pem", true)).Diagnostic.Code);
    }
}
