using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor.DeviceLog;

// The TLS handshake: esp-tls's lines (components/esp-tls/esp_tls_mbedtls.c), the sentences of
// mbedtls_x509_crt_verify_info and mbedtls_strerror it quotes, and the bundle's (esp_crt_bundle.c).
public static partial class DeviceLogRules
{
    private const string Verify = "tls-verify";
    private const string FixCa = "`dotnet esp-release probe <url> --ca server_certs/ca_cert.pem` names what mbedtls refuses; `dotnet esp-release ca fetch <url> --project <dir>` writes the root that signs the server's chain, then build and flash again";
    private const string FixTlsServer = "`dotnet esp-release probe <url>` handshakes as the device does and says what the server refuses";

    private static DeviceLogRule[] TlsRules() =>
    [
        new()
        {
            Code = DiagnosticCodes.DeviceCaNotTrusted, Title = "CA did not sign the server's chain", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"The certificate is not correctly signed by the trusted CA"],
            Example = "I (5190) esp-tls-mbedtls: verification info:   ! The certificate is not correctly signed by the trusted CA",
            Source = "mbedtls library/x509_crt.c (mbedtls_x509_crt_verify_info), via components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the CA the firmware embeds did not sign the certificate chain the server sent (flag NOT_TRUSTED): a leaf or intermediate exported from a browser, a self-signed certificate made again after the build, or a server that moved to another root.",
            Fix = FixCa,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCaNotTrusted, Title = "no root of the certificate bundle signed the chain", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"Certificate matched (?:with (?<name>.+?) )?but signature verification failed", @"No matching trusted root certificate found"],
            Example = "I (5183) esp-x509-crt-bundle: No matching trusted root certificate found",
            Source = "components/mbedtls/esp_crt_bundle/esp_crt_bundle.c",
            Cause = "the firmware verifies with the certificate bundle, and no root in it signed the server's chain (a private or development CA is not in the bundle unless CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH adds it; a root of that name with another key means the CA was made again).",
            Fix = FixCa,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceNameMismatch, Title = "certificate name does not match the URL's host", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"Common Name \(CN\) does not match"],
            Example = "I (5190) esp-tls-mbedtls: verification info:   ! The certificate Common Name (CN) does not match with the expected CN",
            Source = "mbedtls library/x509_crt.c (mbedtls_x509_crt_verify_info), via components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server's certificate does not name the URL's host (flag CN_MISMATCH): with a subjectAltName only its entries count, and an IP host matches an iPAddress entry only from mbedtls 3.5 (ESP-IDF 5.0.5/5.1.2) on.",
            Fix = "`dotnet esp-release probe <url> --ca server_certs/ca_cert.pem` shows the names the certificate holds; issue it for the host the device uses (`dotnet esp-release serve` does for its own addresses)",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCertificateDates, Title = "certificate expired or not yet valid", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"The certificate validity (?<what>has expired|starts in the future)"],
            Example = "I (5190) esp-tls-mbedtls: verification info:   ! The certificate validity has expired",
            Source = "mbedtls library/x509_crt.c (mbedtls_x509_crt_verify_info), via components/esp-tls/esp_tls_mbedtls.c",
            Cause = "a certificate of the chain {what} by the device's clock (the firmware checks dates: CONFIG_MBEDTLS_HAVE_TIME_DATE=y); a clock not yet set by SNTP reads 1970, so every certificate starts in the future.",
            Fix = "set the clock (SNTP) before the update; `dotnet esp-release probe <url> --ca server_certs/ca_cert.pem --check-dates` shows each certificate's dates",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCertificateUsage, Title = "certificate not issued for a TLS server", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"Usage does not match the (?<ext>keyUsage|extendedKeyUsage|nsCertType) extension"],
            Example = "I (5190) esp-tls-mbedtls: verification info:   ! Usage does not match the extendedKeyUsage extension",
            Source = "mbedtls library/x509_crt.c (mbedtls_x509_crt_verify_info), via components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server's certificate has a {ext} extension that does not allow a TLS server (keyUsage needs digitalSignature, extendedKeyUsage serverAuth).",
            Fix = "issue the server certificate with serverAuth and digitalSignature (`dotnet esp-release ca dev --out <dir>` does); `dotnet esp-release probe <url>` checks it",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCertificateAlgorithm, Title = "certificate signed with an algorithm the device refuses", Family = Verify, Role = RuleRole.Refines,
            Patterns = [@"The certificate is signed with an unacceptable (?<what>hash|PK alg|key)"],
            Example = "I (5190) esp-tls-mbedtls: verification info:   ! The certificate is signed with an unacceptable hash.",
            Source = "mbedtls library/x509_crt.c (mbedtls_x509_crt_verify_info), via components/esp-tls/esp_tls_mbedtls.c",
            Cause = "a certificate of the chain is signed with a {what} the firmware's mbedtls does not accept (SHA-1, a curve or RSA size not compiled in).",
            Fix = "serve a chain signed with SHA-256 and P-256 or RSA-2048 or larger; `dotnet esp-release probe <url>` shows the chain",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCaNotTrusted, Title = "certificate verification failed (-0x2700)", Family = Verify,
            Patterns = [@"mbedtls_ssl_handshake returned -0x2700\b", @"X509 - Certificate verification failed", @"Failed to verify peer certificate!", @"esp-x509-crt-bundle: Failed to verify certificate"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "mbedtls refused the server's certificate (-0x2700, MBEDTLS_ERR_X509_CERT_VERIFY_FAILED); from ESP-IDF 4.4 the reason is printed only at DEBUG level, and the usual one is that the CA the firmware embeds did not sign the server's chain.",
            Fix = FixCa,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCaFileInvalid, Title = "the embedded CA file does not parse",
            Patterns = [@"mbedtls_x509_crt_parse (?:of CA cert )?returned -0x(?<err>[0-9A-Fa-f]+)"],
            Example = "E (5012) esp-tls-mbedtls: mbedtls_x509_crt_parse returned -0x2180",
            Source = "components/esp-tls/esp_tls_mbedtls.c (set_ca_cert)",
            Cause = "mbedtls could not parse the CA the firmware embeds (-0x{err}): a DER file named .pem, a PEM without its terminating NUL (embed it with EMBED_TXTFILES, not EMBED_FILES), or no certificate at all.",
            Fix = "`dotnet esp-release ca check --url <url>` judges the project's CA file; `dotnet esp-release ca fetch <url> --project <dir>` writes a good one",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceCaPartlyParsed, Severity = Severity.Warning, Title = "some certificates of the CA file do not parse",
            Patterns = [@"mbedtls_x509_crt_parse was partly successful\. No\. of failed certificates: (?<n>\d+)"],
            Example = "W (5012) esp-tls-mbedtls: mbedtls_x509_crt_parse was partly successful. No. of failed certificates: 1",
            Source = "components/esp-tls/esp_tls_mbedtls.c (set_ca_cert)",
            Cause = "{n} certificate(s) of the CA file the firmware embeds could not be parsed and are not trusted.",
            Fix = "`dotnet esp-release ca check --url <url>` says which; remove them or fetch the file again with `dotnet esp-release ca fetch <url> --project <dir>`",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceVerificationOff, Title = "server verification switched off",
            Patterns = [@"Continuing with insecure option because CONFIG_(?:ESP_HTTPS_)?OTA_ALLOW_HTTP is set", @"skip_common_name=true: hostname matching and SNI disabled"],
            Example = "W (4990) esp_https_ota: Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set.",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the firmware downloads without checking the server (plain HTTP allowed, or no host-name check): it works, and anyone on the network can feed the device an image.",
            Fix = "`dotnet esp-release sdkconfig check --release --project <dir>` lists the insecure options; `dotnet esp-release sdkconfig set CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP n --project <dir>` and serve https (`dotnet esp-release serve`)",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceVerificationOff, Title = "no CA configured for the download",
            Patterns = [@"No option for server verification is enabled in esp_http_client config", @"No server verification option set in esp_tls_cfg_t structure"],
            Example = "E (4990) esp_https_ota: No option for server verification is enabled in esp_http_client config.",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the firmware gives esp_http_client no way to verify the server (no cert_pem, no crt_bundle_attach, no global CA store), so esp_https_ota refuses to start.",
            Fix = "embed the server's root: `dotnet esp-release ca fetch <url> --project <dir>`, and pass it as cert_pem (or attach the bundle)",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTlsHandshake, Title = "server aborted the handshake (-0x7780)",
            Patterns = [@"mbedtls_ssl_handshake returned -0x7780\b", @"SSL - A fatal alert message was received from our peer"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7780",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server ended the TLS handshake with a fatal alert (-0x7780): it accepts no TLS version or cipher suite the device offers, it needs SNI (skip_cert_common_name_check sends none), or it wants a client certificate.",
            Fix = FixTlsServer,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTlsHandshake, Title = "server closed the connection in the handshake (-0x7280)",
            Patterns = [@"mbedtls_ssl_handshake returned -0x(?<err>7280|7880)\b", @"SSL - The connection indicated an EOF", @"SSL - The peer notified us that the connection is going to be closed"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7280",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server closed the connection during the TLS handshake: it refused what the device offers (TLS 1.2/1.3 with ECDHE suites), wants a client certificate, or is no TLS server.",
            Fix = FixTlsServer,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTlsHandshake, Title = "server does not speak TLS (-0x7200)",
            Patterns = [@"mbedtls_ssl_handshake returned -0x7200\b", @"SSL - An invalid SSL record was received"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7200",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server answered the TLS hello with something that is not TLS (-0x7200): a plain-HTTP server on that port.",
            Fix = "use the server's https port, or serve https (`dotnet esp-release serve`); `dotnet esp-release probe <url>` shows what the port answers",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceConnectionReset, Title = "connection reset in the handshake (-0x50)",
            Patterns = [@"mbedtls_ssl_handshake returned -0x50\b", @"NET - Connection was reset by peer"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x50",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the server (or a firewall or proxy on the way) reset the connection during the TLS handshake.",
            Fix = FixTlsServer,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTlsHandshake, Title = "other TLS handshake failure",
            Patterns = [@"mbedtls_ssl_handshake returned -0x(?<err>[0-9A-Fa-f]+)"],
            Example = "E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x7080",
            Source = "components/esp-tls/esp_tls_mbedtls.c",
            Cause = "the TLS handshake failed with mbedtls error -0x{err} (look it up in mbedtls's error.h, or set the log level to DEBUG for its text).",
            Fix = FixTlsServer,
        },
    ];
}
