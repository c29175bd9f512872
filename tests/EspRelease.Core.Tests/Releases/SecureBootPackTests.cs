using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Images.SecureBoot;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Releases;

/// <summary><c>pack</c> with Secure Boot V2 keys: the app is signed before it is hashed, so the manifest binds the signed image.</summary>
public sealed class SecureBootPackTests
{
    private readonly SigningKey _key = SigningKey.Generate();

    private PackedRelease Pack(string outDir, params SecureBootKey[] keys) =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = Fixtures.SimpleOtaBuild, OutputDirectory = outDir, Key = _key, AllowNonSemver = true,
            Created = DateTimeOffset.FromUnixTimeSeconds(1764072000), SecureBootKeys = keys,
        });

    [Fact]
    public void The_manifest_binds_the_signed_firmware_whose_signature_is_valid()
    {
        using var temp = new TempDirectory();
        using var rsa = RSA.Create(3072);
        var key = SecureBootKeyLoader.FromPem(rsa.ExportRSAPrivateKeyPem(), "sb.pem", requirePrivate: true);

        var release = Pack(temp.Combine("rel"), key);

        var firmware = File.ReadAllBytes(release.FirmwarePath);
        Assert.Equal(188416, firmware.Length);
        Assert.Equal(firmware.Length, release.Manifest.Firmware.Size);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(firmware)), release.Manifest.Firmware.Sha256);
        var signedFixture = File.ReadAllBytes(Fixtures.Image("blink_s2_sbv2_rsa.bin"));
        Assert.Equal(signedFixture[..0x2D000], firmware[..0x2D000]);
        var inspection = AppImageReader.Inspect(release.FirmwarePath);
        Assert.True(inspection.Valid);
        var block = Assert.Single(inspection.Signatures);
        Assert.True(block.SignatureValid);
        Assert.Equal(key.KeyDigest, block.KeyDigest);
        Assert.Equal(File.ReadAllBytes(release.FirmwarePath), firmware);
    }

    [Fact]
    public void A_key_the_chip_cannot_boot_refuses_the_release_and_writes_nothing()
    {
        using var temp = new TempDirectory();
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var key = SecureBootKeyLoader.FromPem(ecdsa.ExportPkcs8PrivateKeyPem(), "sb.pem", requirePrivate: true);

        var e = Assert.Throws<EspReleaseException>(() => Pack(temp.Combine("rel"), key));

        Assert.Equal(DiagnosticCodes.SecureBootSchemeUnsupported, e.Diagnostic.Code);
        Assert.Contains("ESP32-S2", e.Message);
        Assert.Empty(Directory.GetFiles(temp.Combine("rel")));
    }
}
