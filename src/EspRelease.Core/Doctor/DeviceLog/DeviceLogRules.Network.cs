using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor.DeviceLog;

// Reaching the server: esp-tls's connect (components/esp-tls/esp_tls.c; errno numbers are newlib's,
// which ESP-IDF's lwIP uses: 113 ECONNABORTED, 104 ECONNRESET, 111 ECONNREFUSED, 116 ETIMEDOUT,
// 118 EHOSTUNREACH), tcp_transport and esp_http_client's connection lines.
public static partial class DeviceLogRules
{
    private const string FixReach = "`dotnet esp-release probe <url>` from another machine on the device's network says whether the port answers; `dotnet esp-release serve` listens on IPv4 and IPv6 and prints the URL to use";

    private static DeviceLogRule[] NetworkRules() =>
    [
        new()
        {
            Code = DiagnosticCodes.DeviceDnsFailed, Title = "host name not resolved",
            Patterns = [@"couldn't get hostname for :(?<host>[^:\s]*):(?: getaddrinfo\(\) returns (?<rc>-?\d+))?", @"ESP_ERR_ESP_TLS_CANNOT_RESOLVE_HOSTNAME"],
            Example = "E (5012) esp-tls: couldn't get hostname for :ota.example.com: getaddrinfo() returns 202, addrinfo=0x0",
            Source = "components/esp-tls/esp_tls.c (esp_tls_hostname_to_fd)",
            Cause = "the device could not resolve the host name {host} (getaddrinfo() returns {rc}; 202 is lwIP's EAI_FAIL: no DNS server answered, or it does not know the name); a .local name needs mDNS (CONFIG_LWIP_DNS_SUPPORT_MDNS_QUERIES).",
            Fix = "use a name the network's DNS knows, or the server's IPv4 address (`dotnet esp-release serve` prints its URLs); check that DHCP gave the device a DNS server",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHostUnreachable, Title = "no answer to the connection (errno 113)",
            Patterns = [@"Failed to conn+ect to host \(errno 113\)", @"connect(?:\(\))? error: Software caused connection abort", @"errno[ =:]+113\b", @"Software caused connection abort"],
            Example = "E (5034) esp-tls: [sock=54] delayed connect error: Software caused connection abort",
            Source = "components/esp-tls/esp_tls.c (esp_tcp_connect; \"Failed to connnect to host\" up to ESP-IDF 4.3)",
            Cause = "the server never answered the device's connection (errno 113, ECONNABORTED in ESP-IDF's numbering: lwIP gave up after its SYN retries): nothing listens on that address for IPv4 (a server bound to [::] only), or a firewall drops the port.",
            Fix = FixReach,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHostUnreachable, Title = "no route to the host (errno 118)",
            Patterns = [@"errno[ =:]+118\b", @"Host is unreachable"],
            Example = "E (5034) esp-tls: [sock=54] connect() error: Host is unreachable",
            Source = "components/esp-tls/esp_tls.c (esp_tcp_connect)",
            Cause = "the device has no route to the server's address (errno 118, EHOSTUNREACH): another subnet without a gateway, or the Wi-Fi link is down.",
            Fix = FixReach,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceConnectionRefused, Title = "connection refused (errno 111)",
            Patterns = [@"errno[ =:]+111\b", @"Connection refused"],
            Example = "E (5034) esp-tls: [sock=54] delayed connect error: Connection refused",
            Source = "components/esp-tls/esp_tls.c (esp_tcp_connect)",
            Cause = "the server's machine answered that nothing listens on that port (errno 111, ECONNREFUSED): the server is not running, or listens on another port or address.",
            Fix = FixReach,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceConnectionReset, Title = "connection reset (errno 104)",
            Patterns = [@"errno[ =:]+104\b", @"Connection reset by peer"],
            Example = "E (5034) esp-tls: [sock=54] delayed connect error: Connection reset by peer",
            Source = "components/esp-tls/esp_tls.c, components/tcp_transport/transport_ssl.c",
            Cause = "the server (or a firewall or proxy between) reset the connection (errno 104, ECONNRESET).",
            Fix = FixReach,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTimeout, Title = "connection timed out", Family = "timeout",
            Patterns = [@"select\(\) timeout", @"Failed to open new connection in specified timeout", @"ESP_ERR_ESP_TLS_CONNECTION_TIMEOUT", @"errno[ =:]+116\b", @"Connection timed out(?! before data)"],
            Example = "E (15034) esp-tls: [sock=54] select() timeout",
            Source = "components/esp-tls/esp_tls.c (esp_tcp_connect, esp_tls_conn_new_sync)",
            Cause = "the connection to the server did not complete within the device's timeout (10 s by default): the packets are dropped on the way (a firewall, a server bound to IPv6 only, Wi-Fi client isolation).",
            Fix = FixReach,
        },
        new()
        {
            Code = DiagnosticCodes.DeviceTimeout, Title = "server stalled during the download", Family = "timeout",
            Patterns = [@"Connection timed out before data was ready", @"ESP_ERR_HTTP_EAGAIN", @"Poll timeout or error"],
            Example = "W (25034) HTTP_CLIENT: Connection timed out before data was ready!",
            Source = "components/esp_http_client/esp_http_client.c, components/tcp_transport/transport_ssl.c",
            Cause = "the server sent nothing for longer than esp_http_client's timeout_ms (5 s by default) after the connection opened.",
            Fix = "`dotnet esp-release probe <url>` times each step as the device does; raise timeout_ms in esp_http_client_config_t if the server is slow to start",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRequestTooLong, Title = "URL longer than the transmit buffer",
            Patterns = [@"HTTP_CLIENT: Out of buffer", @"\bOut of buffer\b"],
            Example = "E (5012) HTTP_CLIENT: Out of buffer",
            Source = "components/esp_http_client/esp_http_client.c (http_client_prepare_first_line)",
            Cause = "the request line (method, path and query, e.g. a long SAS token) does not fit esp_http_client's transmit buffer (buffer_size_tx, 512 bytes by default), so nothing was sent.",
            Fix = "set buffer_size_tx = 1024 (or more) in esp_http_client_config_t; `dotnet esp-release probe <url> --buffer-size-tx 512` says how long the line is",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRedirectFailed, Title = "too many redirects",
            Patterns = [@"Error, reach max_redirection_count count=(?<n>\d+)"],
            Example = "E (5312) HTTP_CLIENT: Error, reach max_redirection_count count=10",
            Source = "components/esp_http_client/esp_http_client.c",
            Cause = "the server redirected the device {n} times (max_redirection_count): a redirect loop, or a login page that redirects back.",
            Fix = "give the device the final URL; `dotnet esp-release probe <url>` follows the redirects and shows each hop",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceRedirectFailed, Title = "redirect not followed", Family = "redirect",
            Patterns = [@"HTTPS origin can only redirect to https:// targets \(got (?<target>[^)]+)\)", @"URL redirection Failed"],
            Example = "E (5312) esp_https_ota: URL redirection Failed",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp_http_client/esp_http_client.c",
            Cause = "the server answered with a redirect the device could not follow: no Location header, or a target it refuses (an https URL redirected to plain http).",
            Fix = "give the device the final https URL; `dotnet esp-release probe <url>` follows the redirects and checks each hop's certificate",
        },
        new()
        {
            Code = DiagnosticCodes.DeviceHttpConnect, Title = "connection failed (ESP_ERR_HTTP_CONNECT)", Role = RuleRole.Follows,
            Patterns = [@"Failed to open HTTP connection", @"ESP_ERR_HTTP_CONNECT", @"Connection failed, sock < 0", @"Failed to open a new connection", @"Failed to establish HTTP connection", @"[Ff]ailed to open (?:a )?new connection", @"ESP_ERR_ESP_TLS_FAILED_CONNECT_TO_HOST", @"ESP_ERR_MBEDTLS_SSL_HANDSHAKE_FAILED", @"ESP_ERR_HTTP_WRITE_DATA", @"ESP HTTPS OTA Begin failed", @"esp_https_ota_begin failed", @"Firmware upgrade failed"],
            Example = "E (5040) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT",
            Source = "components/esp_https_ota/src/esp_https_ota.c, components/esp_http_client/esp_http_client.c, components/tcp_transport/transport_ssl.c",
            Cause = "esp_http_client could not open the connection, and no earlier line of the log says why (esp-tls logs the reason at ERROR level just before: capture the log from before the update starts).",
            Fix = "`dotnet esp-release probe <url> --ca server_certs/ca_cert.pem` connects as the device does and names the step that fails",
        },
    ];
}
