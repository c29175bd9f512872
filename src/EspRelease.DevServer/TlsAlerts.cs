namespace EspRelease.DevServer;

/// <summary>
/// TLS alert codes a client sends when it gives up on a handshake, and what they mean for an ESP32 talking to
/// this server. The certificate alerts are the ones mbedtls picks from its verification flags
/// (ssl_tls.c, <c>mbedtls_ssl_parse_certificate</c>).
/// </summary>
internal static class TlsAlerts
{
    public static (string Name, string Meaning) Describe(byte code) => code switch
    {
        48 => ("unknown_ca",
            "the client does not trust the CA that signed this server's certificate (mbedtls: NOT_TRUSTED; the device logs " +
            "\"mbedtls_ssl_handshake returned -0x2700\" and \"The certificate is not correctly signed by the trusted CA\"). " +
            "The firmware embeds another CA file: run `esp-release serve --project <dir>` (or `esp-release ca dev --project <dir>`) to write the development CA into it, then rebuild and flash once."),
        42 => ("bad_certificate",
            "the client refused the certificate; mbedtls sends this when the host in its URL is not in the certificate (CN_MISMATCH). " +
            "Use one of the URLs this server printed, or restart it with --host <the name or address in the firmware's URL>."),
        43 => ("unsupported_certificate",
            "the client refused the certificate's key usage, extended key usage or key type."),
        44 => ("certificate_revoked", "the client says the certificate is revoked."),
        45 => ("certificate_expired",
            "the client checks dates (CONFIG_MBEDTLS_HAVE_TIME_DATE) and finds the certificate expired or not yet valid by its clock. Check the device's time (SNTP) and this PC's."),
        46 => ("certificate_unknown", "the client refused the certificate for a reason it did not name."),
        49 => ("access_denied", "the client's own verification callback refused the certificate."),
        40 => ("handshake_failure",
            "no cipher suite or key exchange in common. The server offers TLS 1.2 and 1.3 with ECDHE-RSA suites; check the client's mbedtls configuration."),
        71 => ("insufficient_security", "the client wants stronger cipher suites than it was offered."),
        70 => ("protocol_version", "no TLS version in common (the server speaks TLS 1.2 and 1.3)."),
        80 => ("internal_error",
            "the client failed internally, on a device usually out of memory during the handshake (check the heap, CONFIG_MBEDTLS_SSL_IN_CONTENT_LEN and dynamic buffers)."),
        112 => ("unrecognized_name", "the client did not accept the server's answer to the name it asked for (SNI)."),
        50 => ("decode_error", "the client could not parse a handshake message."),
        51 => ("decrypt_error", "a signature or Finished check failed on the client."),
        0 => ("close_notify", "the client closed the connection during the handshake."),
        90 => ("user_canceled", "the client cancelled the handshake."),
        _ => ($"alert_{code}", "see RFC 8446 section 6 for this alert."),
    };
}
