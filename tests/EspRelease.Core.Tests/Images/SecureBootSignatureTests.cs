using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

/// <summary>The Secure Boot V2 fixtures signed by espsecure: blocks, digests and key digests as the format spec lists them.</summary>
public sealed class SecureBootSignatureTests
{
    private const string SignedDigest = "fe66785d2e82623cf291ec5b7e71caad8d01584a6f0f7cd8aecbd3a6a8e17e17";

    [Theory]
    [InlineData("blink_s2_sbv2_rsa.bin", "RSA-3072-PSS", "e3a2687e2411fe08b580ed53a7fad5a71e94371bf13a3d0b921a3e7e6827ee7d")]
    [InlineData("blink_s2_sbv2_ecdsa.bin", "ECDSA-P256", "be97c755315d9f2529b7fd54da295225ce2aeb5e15c98eb3c6302063ca18b9a7")]
    public void Reads_one_valid_block(string name, string scheme, string keyDigest)
    {
        var image = AppImageReader.Inspect(Fixtures.Image(name));

        Assert.Equal(TrailerKind.SecureBootV2, image.Trailer);
        Assert.Equal(SignedDigest, Convert.ToHexStringLower(image.SignedDigest!));
        var block = Assert.Single(image.Signatures);
        Assert.Equal(scheme, block.Scheme);
        Assert.True(block.DigestMatches);
        Assert.True(block.SignatureValid);
        Assert.Equal(keyDigest, Convert.ToHexStringLower(block.KeyDigest));
        Assert.Equal(182368, image.ImageLength);
    }

    [Fact]
    public void Warns_that_an_S2_cannot_use_ECDSA_secure_boot()
    {
        var image = AppImageReader.Inspect(Fixtures.Image("blink_s2_sbv2_ecdsa.bin"));

        Assert.True(image.Valid);
        Assert.Contains(image.Warnings, w => w.Code == DiagnosticCodes.SignatureSchemeUnsupportedByChip);
        Assert.DoesNotContain(AppImageReader.Inspect(Fixtures.Image("blink_s2_sbv2_rsa.bin")).Warnings,
            w => w.Code == DiagnosticCodes.SignatureSchemeUnsupportedByChip);
    }

    [Fact]
    public void A_byte_changed_after_signing_breaks_the_digest()
    {
        var bytes = File.ReadAllBytes(Fixtures.Image("blink_s2_sbv2_rsa.bin"));
        bytes[0x2C870] = 0x00; // inside the 0xFF fill between the image and the sector

        var image = AppImageReader.Inspect(new MemoryStream(bytes), "tampered.bin");

        Assert.False(image.Valid);
        Assert.Contains(image.Errors, e => e.Code == DiagnosticCodes.SignatureFillNotErased);
        Assert.Contains(image.Errors, e => e.Code == DiagnosticCodes.SignatureBlockInvalid);
    }
}
