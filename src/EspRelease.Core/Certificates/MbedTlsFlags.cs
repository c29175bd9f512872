namespace EspRelease.Core.Certificates;

/// <summary>
/// mbedtls's certificate verification flags (<c>MBEDTLS_X509_BADCERT_*</c>, include/mbedtls/x509.h)
/// and the sentences <c>mbedtls_x509_crt_verify_info</c> prints for them: the device's own words.
/// </summary>
public static class MbedTlsFlags
{
    public const uint Expired = 0x01;
    public const uint CnMismatch = 0x04;
    public const uint NotTrusted = 0x08;
    public const uint Future = 0x0200;
    public const uint KeyUsage = 0x0800;
    public const uint ExtKeyUsage = 0x1000;
    public const uint BadKey = 0x10000;

    /// <summary>mbedtls_ssl_handshake's result when a flag is set (MBEDTLS_ERR_X509_CERT_VERIFY_FAILED).</summary>
    public const int CertVerifyFailed = -0x2700;

    private static readonly (uint Flag, string Name, string Text)[] _texts =
    [
        (Expired, "EXPIRED", "The certificate validity has expired"),
        (0x02, "REVOKED", "The certificate has been revoked (is on a CRL)"),
        (CnMismatch, "CN_MISMATCH", "The certificate Common Name (CN) does not match with the expected CN"),
        (NotTrusted, "NOT_TRUSTED", "The certificate is not correctly signed by the trusted CA"),
        (0x40, "MISSING", "Certificate was missing"),
        (0x80, "SKIP_VERIFY", "Certificate verification was skipped"),
        (0x0100, "OTHER", "Other reason (can be used by verify callback)"),
        (Future, "FUTURE", "The certificate validity starts in the future"),
        (KeyUsage, "KEY_USAGE", "Usage does not match the keyUsage extension"),
        (ExtKeyUsage, "EXT_KEY_USAGE", "Usage does not match the extendedKeyUsage extension"),
        (0x4000, "BAD_MD", "The certificate is signed with an unacceptable hash."),
        (0x8000, "BAD_PK", "The certificate is signed with an unacceptable PK alg (eg RSA vs ECDSA)."),
        (BadKey, "BAD_KEY", "The certificate is signed with an unacceptable key (eg bad curve, RSA too short)."),
    ];

    /// <summary>One line per set flag, as mbedtls_x509_crt_verify_info words them, in its order.</summary>
    public static IReadOnlyList<string> Describe(uint flags) =>
        [.. _texts.Where(t => (flags & t.Flag) != 0).Select(t => t.Text)];

    /// <summary>The set flags' macro names (MBEDTLS_X509_BADCERT_…), for people who search mbedtls's sources and forums.</summary>
    public static IReadOnlyList<string> Names(uint flags) =>
        [.. _texts.Where(t => (flags & t.Flag) != 0).Select(t => "MBEDTLS_X509_BADCERT_" + t.Name)];

    /// <summary>The lines esp-tls logs when the handshake fails on these flags (the verification info is DEBUG-level from ESP-IDF 4.4).</summary>
    public static IReadOnlyList<string> DeviceLog(uint flags) =>
    [
        $"E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x{-CertVerifyFailed:x}",
        "I (esp-tls-mbedtls): Failed to verify peer certificate!",
        .. Describe(flags).Select(line => $"I (esp-tls-mbedtls): verification info: {line}"),
    ];
}
