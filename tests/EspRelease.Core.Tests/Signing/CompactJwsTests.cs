using System.Security.Cryptography;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Tests.Signing;

public sealed class CompactJwsTests
{
    private static readonly byte[] _payload = Encoding.UTF8.GetBytes("{\"schema\":\"esp-release/manifest/v1\",\"version\":\"1.2.3\"}\n");

    [Fact]
    public void Signatures_are_RFC_6979_deterministic_ECDSA()
    {
        // RFC 6979 A.2.5: P-256, SHA-256, message "sample".
        var key = KeyFromScalar("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");

        var signature = key.Sign(Encoding.ASCII.GetBytes("sample"));

        Assert.Equal(
            "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716" +
            "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8",
            Convert.ToHexString(signature));
    }

    [Fact]
    public void The_same_payload_and_key_give_the_same_JWS()
    {
        var key = SigningKey.Generate();

        Assert.Equal(CompactJws.Sign(_payload, key), CompactJws.Sign(_payload, key));
    }

    [Fact]
    public void Another_JOSE_implementation_verifies_our_JWS_and_reads_our_header()
    {
        var key = SigningKey.Generate();
        var jws = CompactJws.Sign(_payload, key);
        using var publicKey = PublicEcdsa(key);

        var payload = Jose.JWT.Decode(jws, publicKey);
        var headers = Jose.JWT.Headers(jws);

        Assert.Equal(Encoding.UTF8.GetString(_payload), payload);
        Assert.Equal("ES256", headers["alg"]);
        Assert.Equal(key.KeyId, headers["kid"]);
    }

    [Fact]
    public void A_changed_payload_byte_a_changed_header_and_a_wrong_key_each_fail_in_both_implementations()
    {
        var key = SigningKey.Generate();
        var jws = CompactJws.Sign(_payload, key);
        var parts = jws.Split('.');
        var tamperedPayload = (byte[])_payload.Clone();
        tamperedPayload[^3] ^= 0x01;
        var changedPayload = $"{parts[0]}.{Base64Url.Encode(tamperedPayload)}.{parts[2]}";
        var changedHeader = $"{Base64Url.Encode(Encoding.UTF8.GetBytes($"{{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"{key.KeyId}\"}}"))}.{parts[1]}.{parts[2]}";
        var other = SigningKey.Generate();
        using var publicKey = PublicEcdsa(key);
        using var otherPublic = PublicEcdsa(other);

        Assert.ThrowsAny<Exception>(() => Jose.JWT.Decode(changedPayload, publicKey));
        Assert.ThrowsAny<Exception>(() => Jose.JWT.Decode(changedHeader, publicKey));
        Assert.ThrowsAny<Exception>(() => Jose.JWT.Decode(jws, otherPublic));

        Assert.Equal(DiagnosticCodes.JwsSignatureInvalid, Refusal(changedPayload, key.PublicKey));
        Assert.Equal(DiagnosticCodes.JwsSignatureInvalid, Refusal(changedHeader, key.PublicKey));
        Assert.Equal(DiagnosticCodes.JwsUnknownKey, Refusal(jws, other.PublicKey));
    }

    [Fact]
    public void Verification_reports_which_of_several_keys_signed()
    {
        var old = SigningKey.Generate();
        var current = SigningKey.Generate();

        var verified = CompactJws.Verify(CompactJws.Sign(_payload, old), [current.PublicKey, old.PublicKey], "m.jws");

        Assert.Equal(old.KeyId, verified.Key.KeyId);
        Assert.Equal(_payload, verified.Payload);
    }

    [Theory]
    [InlineData("{\"alg\":\"none\"}", DiagnosticCodes.JwsAlgorithm)]
    [InlineData("{\"alg\":\"HS256\"}", DiagnosticCodes.JwsAlgorithm)]
    [InlineData("{\"alg\":\"ES256\",\"crit\":[\"exp\"]}", DiagnosticCodes.JwsMalformed)]
    [InlineData("[1]", DiagnosticCodes.JwsMalformed)]
    public void Only_plain_ES256_is_accepted(string header, string code)
    {
        var key = SigningKey.Generate();
        var parts = CompactJws.Sign(_payload, key).Split('.');

        Assert.Equal(code, Refusal($"{Base64Url.Encode(Encoding.UTF8.GetBytes(header))}.{parts[1]}.{parts[2]}", key.PublicKey));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a.b")]
    [InlineData("a.b.c.d")]
    [InlineData("!!.e30.e30")]
    public void Malformed_compact_serializations_are_named(string jws)
    {
        var e = Assert.Throws<EspReleaseException>(() => CompactJws.Verify(jws, [SigningKey.Generate().PublicKey], "channels/stable.jws"));

        Assert.Equal(DiagnosticCodes.JwsMalformed, e.Diagnostic.Code);
        Assert.StartsWith("channels/stable.jws:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_key_id_is_the_RFC_7638_thumbprint_of_the_public_key()
    {
        var key = SigningKey.Generate();
        using var ecdsa = PublicEcdsa(key);
        var q = ecdsa.ExportParameters(false).Q;
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(q.X)}\",\"y\":\"{Base64Url.Encode(q.Y)}\"}}";

        Assert.Equal(Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical))), key.KeyId);
        Assert.Equal(43, key.KeyId.Length);
        Assert.Equal(key.KeyId, VerificationKey.FromPem(key.PublicKey.ExportPem(), "pub").KeyId);
        Assert.Equal(key.KeyId, SigningKey.FromPem(key.ExportPkcs8Pem(), "priv").KeyId);
    }

    [Theory]
    [InlineData("{\"alg\":\"ES256\",\"kid\":\"\\ud800\"}", "$.kid (line 1)", "the escape \\ud800")]
    [InlineData("{\"alg\":\"ES\u00ff256\"}", "$.alg (line 1)", "bytes that are not UTF-8 (0xFF at byte 3 of the string)")]
    public void A_header_string_that_is_not_Unicode_text_is_JwsMalformed(string header, string where, string found)
    {
        var key = SigningKey.Generate();
        var parts = CompactJws.Sign(_payload, key).Split('.');
        // \u00ff stands for the raw byte 0xFF: Latin-1 keeps it one byte, so the header is not UTF-8.
        var jws = Base64Url.Encode(Encoding.Latin1.GetBytes(header)) + "." + parts[1] + "." + parts[2];

        var e = Assert.Throws<EspReleaseException>(() => CompactJws.Verify(jws, [key.PublicKey], "m.jws"));

        Assert.Equal(DiagnosticCodes.JwsMalformed, e.Diagnostic.Code);
        Assert.Contains($"the protected header is not the JSON object esp-release writes ({where}: expected a string of Unicode text", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(found, e.Diagnostic.Message, StringComparison.Ordinal);
    }

    private static string Refusal(string jws, VerificationKey key) =>
        Assert.Throws<EspReleaseException>(() => CompactJws.Verify(jws, [key], "m.jws")).Diagnostic.Code;

    private static ECDsa PublicEcdsa(SigningKey key)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.PublicKey.ExportPem());
        return ecdsa;
    }

    internal static SigningKey KeyFromScalar(string hex)
    {
        using var probe = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = Convert.FromHexString(hex) });
        return SigningKey.FromPem(probe.ExportPkcs8PrivateKeyPem(), "test");
    }
}
