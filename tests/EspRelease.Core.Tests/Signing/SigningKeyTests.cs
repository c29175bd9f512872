using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Signing;

public sealed class SigningKeyTests
{
    [Fact]
    public void A_key_loads_from_a_path_or_from_the_environment_variable()
    {
        using var temp = new TempDirectory();
        var key = SigningKey.Generate();
        var path = temp.Combine("k.pem");
        File.WriteAllText(path, key.ExportPkcs8Pem());

        Assert.Equal(key.KeyId, SigningKey.Resolve(path, _ => null).KeyId);
        var fromEnvironment = SigningKey.Resolve(null, name => name == SigningKey.EnvironmentVariable ? key.ExportPkcs8Pem() : null);
        Assert.Equal(key.KeyId, fromEnvironment.KeyId);
        Assert.Equal("$ESP_RELEASE_SIGNING_KEY", fromEnvironment.Origin);
    }

    [Fact]
    public void No_key_anywhere_says_how_to_make_one()
    {
        var e = Assert.Throws<EspReleaseException>(() => SigningKey.Resolve(null, _ => null));

        Assert.Equal(DiagnosticCodes.KeyMissing, e.Diagnostic.Code);
        Assert.Contains("esp-release keygen", e.Message, StringComparison.Ordinal);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Fact]
    public void Unusable_keys_are_refused_without_showing_their_contents()
    {
        var p256 = SigningKey.Generate();
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var rsa = RSA.Create(2048);
        var encrypted = p384.ExportEncryptedPkcs8PrivateKeyPem("pw", new PbeParameters(PbeEncryptionAlgorithm.Aes128Cbc, HashAlgorithmName.SHA256, 1000));
        var cases = new (string Pem, string Says)[]
        {
            (p256.PublicKey.ExportPem(), "is a public key"),
            (p384.ExportPkcs8PrivateKeyPem(), "P-256"),
            (rsa.ExportPkcs8PrivateKeyPem(), "not an EC private key"),
            (encrypted, "password-protected"),
            ("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n", "not an EC private key"),
        };

        foreach (var (pem, says) in cases)
        {
            var e = Assert.Throws<EspReleaseException>(() => SigningKey.FromPem(pem, "ci-key.pem"));
            Assert.Equal(DiagnosticCodes.KeyInvalid, e.Diagnostic.Code);
            Assert.Contains(says, e.Message, StringComparison.Ordinal);
            var body = pem.Split('\n')[1];
            Assert.DoesNotContain(body, e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_signing_key_never_prints_its_private_part()
    {
        var key = SigningKey.Generate();
        var secretLine = key.ExportPkcs8Pem().Split('\n')[1];

        Assert.DoesNotContain(secretLine, key.ToString(), StringComparison.Ordinal);
        Assert.Contains(key.KeyId, key.ToString(), StringComparison.Ordinal);
    }
}
