using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Images.SecureBoot;

/// <summary>
/// Reads Secure Boot V2 keys from PEM the way <c>espsecure</c> accepts them: private keys as PKCS#1
/// (<c>RSA PRIVATE KEY</c>), SEC1 (<c>EC PRIVATE KEY</c>, with or without the <c>EC PARAMETERS</c> block
/// openssl writes before it) or PKCS#8 (<c>PRIVATE KEY</c>); public keys as SubjectPublicKeyInfo
/// (<c>PUBLIC KEY</c>). RSA must be 3072 bits; ECDSA P-256 or P-384.
/// </summary>
public static class SecureBootKeyLoader
{
    private const string P192 = "1.2.840.10045.3.1.1";
    private const string P256 = "1.2.840.10045.3.1.7";
    private const string P384 = "1.3.132.0.34";

    /// <summary>Reads <paramref name="path"/>; a private key when <paramref name="requirePrivate"/>, else either half.</summary>
    public static SecureBootKey Load(string path, bool requirePrivate)
    {
        if (!InputFile.Exists(path))
        {
            throw new EspReleaseException(DiagnosticCodes.KeyNotFound,
                $"{path}: Secure Boot key not found. Pass the PEM your bootloader trusts (ESP-IDF: CONFIG_SECURE_BOOT_SIGNING_KEY, default secure_boot_signing_key.pem); create one with `espsecure generate-signing-key --version 2 --scheme rsa3072 {path}`.", path, FailureKind.Usage);
        }

        return FromPem(InputFile.ReadAllText(path), path, requirePrivate);
    }

    public static SecureBootKey FromPem(string pem, string origin, bool requirePrivate)
    {
        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal) || pem.Contains("Proc-Type: 4,ENCRYPTED", StringComparison.Ordinal))
        {
            throw Invalid(origin, "is password-protected; espsecure and esp-release need an unencrypted PEM. Keep the key in a secret store or an HSM, or sign outside with --emit-digest and attach with --signature");
        }

        var isPrivate = pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
        if (!isPrivate && !pem.Contains("PUBLIC KEY-----", StringComparison.Ordinal))
        {
            throw Invalid(origin, "holds no PEM key (expected -----BEGIN RSA PRIVATE KEY-----, EC PRIVATE KEY, PRIVATE KEY or PUBLIC KEY)");
        }

        if (requirePrivate && !isPrivate)
        {
            throw Invalid(origin, "is a public key; signing needs the private key. To sign elsewhere (HSM, KMS), use --emit-digest, then --signature with --secure-boot-pub");
        }

        return TryRsa(pem, origin, isPrivate) ?? TryEcdsa(pem, origin, isPrivate)
            ?? throw Invalid(origin, "is neither an RSA nor an ECDSA key esp-release can read");
    }

    private static SecureBootKey? TryRsa(string pem, string origin, bool isPrivate)
    {
        using var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }

        if (rsa.KeySize != 3072)
        {
            throw Invalid(origin, $"is an RSA-{rsa.KeySize} key; Secure Boot V2 RSA is RSA-3072 only. Create one with `espsecure generate-signing-key --version 2 --scheme rsa3072 KEY.pem`");
        }

        return new SecureBootKey(SecureBootScheme.Rsa3072, rsa.ExportParameters(isPrivate), default, isPrivate, origin);
    }

    private static SecureBootKey? TryEcdsa(string pem, string origin, bool isPrivate)
    {
        using var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }

        var parameters = ecdsa.ExportParameters(isPrivate);
        var oid = parameters.Curve.Oid?.Value ?? CurveOidFromName(parameters.Curve.Oid?.FriendlyName);
        var scheme = oid switch
        {
            P256 => SecureBootScheme.EcdsaP256,
            P384 => SecureBootScheme.EcdsaP384,
            P192 => throw Invalid(origin, "is an ECDSA P-192 key. ESP-IDF still accepts P-192, but it offers only 96-bit security and esp-release does not sign with it; use P-256 (`espsecure generate-signing-key --version 2 --scheme ecdsa256 KEY.pem`) or P-384 where the chip supports it"),
            _ => throw Invalid(origin, $"is an ECDSA key on curve {parameters.Curve.Oid?.FriendlyName ?? oid ?? "(unnamed)"}; Secure Boot V2 accepts NIST P-256 or P-384 (P-192 too, not signed by esp-release)"),
        };
        return new SecureBootKey(scheme, default, parameters, isPrivate, origin);
    }

    private static string? CurveOidFromName(string? name) => name switch
    {
        "nistP256" or "ECDSA_P256" or "secp256r1" or "prime256v1" => P256,
        "nistP384" or "ECDSA_P384" or "secp384r1" => P384,
        "nistP192" or "secp192r1" or "prime192v1" => P192,
        _ => null,
    };

    private static EspReleaseException Invalid(string origin, string problem) =>
        new(DiagnosticCodes.SecureBootKeyInvalid, $"{origin}: {problem}.", origin, FailureKind.Usage);
}
