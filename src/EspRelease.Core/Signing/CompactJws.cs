using System.Text;
using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Signing;

/// <summary>A JWS whose signature checked out: the payload, and which of the given keys signed it.</summary>
public sealed record VerifiedJws(byte[] Payload, VerificationKey Key);

/// <summary>
/// Compact JWS (RFC 7515 §7.1) with ES256 only. Signing writes a fixed protected header
/// (<c>alg</c>, <c>typ</c>, <c>kid</c>, in that order) so equal inputs give equal bytes;
/// verification accepts nothing but ES256 (no <c>none</c>, no HMAC confusion, no <c>crit</c>).
/// </summary>
public static class CompactJws
{
    public const string Algorithm = "ES256";

    public static string Sign(ReadOnlySpan<byte> payload, SigningKey key)
    {
        var header = $"{{\"alg\":\"{Algorithm}\",\"typ\":\"JOSE\",\"kid\":\"{key.KeyId}\"}}";
        var signingInput = Base64Url.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.Encode(payload);
        return signingInput + "." + Base64Url.Encode(key.Sign(Encoding.ASCII.GetBytes(signingInput)));
    }

    /// <summary>Checks <paramref name="jws"/> against <paramref name="keys"/> (several for key rotation).</summary>
    /// <param name="jws">The compact serialization (surrounding whitespace is ignored).</param>
    /// <param name="keys">The trusted public keys.</param>
    /// <param name="origin">The file or URL the JWS came from, named in every error.</param>
    public static VerifiedJws Verify(string jws, IReadOnlyList<VerificationKey> keys, string origin)
    {
        var parts = jws.Trim().Split('.');
        if (parts.Length != 3)
        {
            throw Malformed(origin, $"expected a compact JWS (three base64url parts separated by dots), found {parts.Length} part(s)");
        }

        var headerBytes = Base64Url.TryDecode(parts[0]) ?? throw Malformed(origin, "the protected header is not base64url");
        var payload = Base64Url.TryDecode(parts[1]) ?? throw Malformed(origin, "the payload is not base64url");
        var signature = Base64Url.TryDecode(parts[2]) ?? throw Malformed(origin, "the signature is not base64url");

        string? alg, kid;
        try
        {
            using var header = InputJson.Parse(headerBytes);
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Malformed(origin, "the protected header is not a JSON object");
            }

            alg = StringMember(header.RootElement, "alg");
            kid = StringMember(header.RootElement, "kid");
            if (header.RootElement.TryGetProperty("crit", out _))
            {
                throw Malformed(origin, "the protected header has \"crit\" extensions esp-release does not understand");
            }
        }
        catch (JsonException e)
        {
            throw Malformed(origin, $"the protected header is not the JSON object esp-release writes ({e.Message.TrimEnd('.')})");
        }

        if (alg != Algorithm)
        {
            throw new EspReleaseException(DiagnosticCodes.JwsAlgorithm,
                $"{origin}: signed with \"{alg ?? "(no alg)"}\"; esp-release manifests are signed with {Algorithm} only, so this was not made by esp-release (or was tampered with).", origin);
        }

        var candidates = kid is null ? keys : keys.Where(k => k.KeyId == kid).ToList();
        if (candidates.Count == 0)
        {
            throw new EspReleaseException(DiagnosticCodes.JwsUnknownKey,
                $"{origin}: signed by key {kid}, which is not among the {keys.Count} key(s) given ({string.Join(", ", keys.Select(k => k.KeyId))}). Pass that key's public PEM with --key; during a key rotation pass both the old and the new key.", origin);
        }

        var signingInput = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        var signer = candidates.FirstOrDefault(k => k.Verify(signingInput, signature));
        return signer is null
            ? throw new EspReleaseException(DiagnosticCodes.JwsSignatureInvalid,
                $"{origin}: the signature does not match{(kid is null ? "" : $" key {kid}")}: the header or the manifest was changed after signing, or the file is damaged. Re-download it, or publish the release again.", origin)
            : new VerifiedJws(payload, signer);
    }

    /// <summary>The payload without checking the signature, for reports about a JWS that failed.</summary>
    public static byte[]? TryReadPayload(string jws)
    {
        var parts = jws.Trim().Split('.');
        return parts.Length == 3 ? Base64Url.TryDecode(parts[1]) : null;
    }

    private static string? StringMember(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static EspReleaseException Malformed(string origin, string what) =>
        new(DiagnosticCodes.JwsMalformed, $"{origin}: not a valid signed manifest: {what}. Re-download the file, or publish the release again.", origin);
}
