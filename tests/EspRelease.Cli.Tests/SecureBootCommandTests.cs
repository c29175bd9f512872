using System.Security.Cryptography;
using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Secure Boot V2 through the command line: sign-image with a key, and with a signature made
/// elsewhere (HSM/KMS: --emit-digest, sign outside with .NET's own RSA, --signature); pack with a
/// Secure Boot key; inspect naming which given public key signed each block; the refusals' exit codes.
/// </summary>
public sealed class SecureBootCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly RSA _rsa = RSA.Create(3072);

    public void Dispose()
    {
        _rsa.Dispose();
        _temp.Dispose();
    }

    private string Write(string name, string text)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }

    private string UnsignedS2()
    {
        var path = _temp.Combine("blink.bin");
        File.Copy(Fixtures.Image("esp_idf_blink_esp32s2.bin"), path);
        return path;
    }

    [Fact]
    public async Task Sign_image_writes_a_signed_copy_that_inspect_verifies_and_attributes_to_the_key()
    {
        var image = UnsignedS2();
        var key = Write("sb.pem", _rsa.ExportRSAPrivateKeyPem());
        var pub = Write("sb.pub.pem", _rsa.ExportSubjectPublicKeyInfoPem());
        var other = Write("other.pub.pem", RSA.Create(3072).ExportSubjectPublicKeyInfoPem());

        var signed = await CliRunner.Run("sign-image", image, "--secure-boot-key", key, "--json");
        var inspected = await CliRunner.Run("inspect", _temp.Combine("blink-signed.bin"), "--secure-boot-pub", other, "--secure-boot-pub", pub, "--json");

        Assert.True(signed.Exit == 0, signed.Err);
        Assert.True(JsonDocument.Parse(signed.Out).RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(0, new FileInfo(_temp.Combine("blink-signed.bin")).Length % 4096);
        Assert.True(inspected.Exit == 0, inspected.Err);
        var block = Assert.Single(JsonDocument.Parse(inspected.Out).RootElement.GetProperty("signatures").EnumerateArray());
        Assert.True(block.GetProperty("signatureValid").GetBoolean());
        Assert.Equal(pub, block.GetProperty("signedBy").GetString());
    }

    [Fact]
    public async Task A_signature_made_elsewhere_is_attached_after_it_verifies_and_a_wrong_one_is_refused()
    {
        var image = UnsignedS2();
        var pub = Write("hsm.pub.pem", _rsa.ExportSubjectPublicKeyInfoPem());
        var digestFile = _temp.Combine("digest.bin");

        var emitted = await CliRunner.Run("sign-image", image, "--emit-digest", digestFile, "--secure-boot-pub", pub);
        Assert.True(emitted.Exit == 0, emitted.Err);
        var digest = File.ReadAllBytes(digestFile);
        Assert.Equal(32, digest.Length);
        // The HSM's part, done by .NET's own RSA: PSS over the digest, MGF1-SHA256, salt 32 (the hash length).
        File.WriteAllBytes(_temp.Combine("sig.bin"), _rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        File.WriteAllBytes(_temp.Combine("wrong.bin"), RSA.Create(3072).SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));

        var attached = await CliRunner.Run("sign-image", image, "--signature", _temp.Combine("sig.bin"), "--secure-boot-pub", pub, "--out", _temp.Combine("hsm.bin"));
        var refused = await CliRunner.Run("sign-image", image, "--signature", _temp.Combine("wrong.bin"), "--secure-boot-pub", pub, "--out", _temp.Combine("wrong-signed.bin"));
        var inspected = await CliRunner.Run("inspect", _temp.Combine("hsm.bin"), "--secure-boot-pub", pub);

        Assert.True(attached.Exit == 0, attached.Err);
        Assert.Contains("signature valid", inspected.Out, StringComparison.Ordinal);
        Assert.Contains($"signed by {pub}", inspected.Out, StringComparison.Ordinal);
        Assert.Equal(2, refused.Exit);
        Assert.Contains("error ESPR1525", refused.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("wrong-signed.bin")));
    }

    [Fact]
    public async Task A_scheme_the_chip_cannot_boot_and_a_public_key_for_signing_are_refused_with_their_codes()
    {
        var image = UnsignedS2();
        var ecdsa = Write("ec.pem", ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportECPrivateKeyPem());
        var pub = Write("pub.pem", _rsa.ExportSubjectPublicKeyInfoPem());

        var wrongScheme = await CliRunner.Run("sign-image", image, "--secure-boot-key", ecdsa);
        var publicOnly = await CliRunner.Run("sign-image", image, "--secure-boot-key", pub);

        Assert.Equal(2, wrongScheme.Exit);
        Assert.Contains("error ESPR1521", wrongScheme.Err, StringComparison.Ordinal);
        Assert.Contains("ESP32-S2", wrongScheme.Err, StringComparison.Ordinal);
        Assert.NotEqual(0, publicOnly.Exit);
        Assert.Contains("--emit-digest", publicOnly.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("blink-signed.bin")));
    }

    [Fact]
    public async Task Pack_with_a_Secure_Boot_key_binds_the_signed_image_in_the_manifest()
    {
        var build = _temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        var key = Write("sb.pem", _rsa.ExportRSAPrivateKeyPem());
        var pub = Write("sb.pub.pem", _rsa.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(0, (await CliRunner.Run("keygen", "--out", _temp.Combine("keys", "release.pem"))).Exit);

        var packed = await CliRunner.Run("pack", build, "--key", _temp.Combine("keys", "release.pem"), "--out", _temp.Combine("release"),
            "--allow-non-semver", "--secure-boot-key", key, "--json");

        Assert.True(packed.Exit == 0, packed.Err);
        var firmware = Directory.GetFiles(_temp.Combine("release"), "*.bin").Single();
        var manifest = JsonDocument.Parse(File.ReadAllText(_temp.Combine("release", "manifest.json"))).RootElement;
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(firmware))), manifest.GetProperty("firmware").GetProperty("sha256").GetString());
        var inspected = await CliRunner.Run("inspect", firmware, "--secure-boot-pub", pub);
        Assert.True(inspected.Exit == 0, inspected.Err);
        Assert.Contains("signature valid", inspected.Out, StringComparison.Ordinal);
        Assert.Contains($"signed by {pub}", inspected.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_fits_its_slot_only_unsigned_is_refused_when_signing_would_overflow_it()
    {
        // The fixture's OTA slots hold 600 KiB; the app leaves under 4 KiB, and signing adds the padding and a 4 KiB sector.
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0", appBytes: 614400 - 4096);
        var key = Write("sb.pem", _rsa.ExportRSAPrivateKeyPem());
        Assert.Equal(0, (await CliRunner.Run("keygen", "--out", _temp.Combine("keys", "release.pem"))).Exit);

        var unsigned = await CliRunner.Run("pack", build, "--key", _temp.Combine("keys", "release.pem"), "--out", _temp.Combine("plain"));
        var signed = await CliRunner.Run("pack", build, "--key", _temp.Combine("keys", "release.pem"), "--out", _temp.Combine("signed"), "--secure-boot-key", key);

        Assert.True(unsigned.Exit == 0, unsigned.Err);
        Assert.Equal(2, signed.Exit);
        Assert.Contains("error ESPR1306", signed.Err, StringComparison.Ordinal);
        Assert.Contains("signed for Secure Boot V2", signed.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("signed", "manifest.jws")));
    }
}
