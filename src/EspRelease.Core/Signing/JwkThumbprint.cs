using System.Security.Cryptography;
using System.Text;

namespace EspRelease.Core.Signing;

/// <summary>RFC 7638 thumbprint of a P-256 public key: the key id (<c>kid</c>) esp-release signs with.</summary>
public static class JwkThumbprint
{
    public static string Compute(ReadOnlySpan<byte> x, ReadOnlySpan<byte> y)
    {
        // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
        var canonical = $"{{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"{Base64Url.Encode(x)}\",\"y\":\"{Base64Url.Encode(y)}\"}}";
        return Base64Url.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}
