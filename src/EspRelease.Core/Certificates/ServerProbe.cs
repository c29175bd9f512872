using System.Globalization;
using System.Net.Security;
using System.Text;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Certificates;

/// <summary>One server the device talks to: its URL, the certificates it sent (leaf first), and its answer to HEAD.</summary>
public sealed record ServerHop(Uri Url, IReadOnlyList<CertificateInfo> Served, int Status, string? Location);

/// <summary>
/// Connects like the device (TLS 1.2/1.3, HTTP/1.1, no ALPN), records the chain the server sends
/// without judging it (esp-release judges it later, by mbedtls's rules), and follows redirects:
/// every hop must be covered by the same CA file.
/// </summary>
public static class ServerProbe
{
    private const int MaxRedirects = 10;

    public static async Task<IReadOnlyList<ServerHop>> ProbeAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var hops = new List<ServerHop>();
        for (var current = url; ;)
        {
            if (current.Scheme != Uri.UriSchemeHttps)
            {
                throw new EspReleaseException(DiagnosticCodes.ServerUnreachable,
                    $"{Redact(current)}: not an https URL. The device verifies certificates only over HTTPS; use https:// (plain HTTP needs CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, which releases refuse).", Redact(current), FailureKind.Usage);
            }

            var hop = await ProbeOneAsync(current, timeout, cancellationToken);
            hops.Add(hop);
            if (hop.Status is not (301 or 302 or 303 or 307 or 308) || hop.Location is null)
            {
                return hops;
            }

            if (hops.Count > MaxRedirects)
            {
                throw new EspReleaseException(DiagnosticCodes.ServerUnreachable,
                    $"{Redact(url)}: more than {MaxRedirects} redirects; esp_http_client gives up after {MaxRedirects} (max_redirection_count).", Redact(url), FailureKind.Host);
            }

            current = new Uri(current, hop.Location);
        }
    }

    /// <summary>The URL without its query (where SAS signatures live), for messages.</summary>
    public static string Redact(Uri url) => url.Query.Length > 1 ? url.GetLeftPart(UriPartial.Path) + "?<redacted>" : url.ToString();

    private static async Task<ServerHop> ProbeOneAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        await using var connection = await DeviceConnection.OpenAsync(url, cts.Token, cancellationToken);

        // A query may hold a SAS signature: it goes only to a server the platform already trusts.
        var (status, location) = await HeadAsync(connection.Stream, url, connection.PlatformTrusted ? url.PathAndQuery : url.AbsolutePath, cts.Token);
        return new ServerHop(url, connection.Served, status, location);
    }

    private static async Task<(int Status, string? Location)> HeadAsync(SslStream tls, Uri url, string target, CancellationToken cancellationToken)
    {
        var hostHeader = url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}";
        var request = $"HEAD {target} HTTP/1.1\r\nHost: {hostHeader}\r\nUser-Agent: ESP32 HTTP Client/1.0\r\nConnection: close\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(request), cancellationToken);
        var buffer = new byte[16 * 1024];
        var length = 0;
        while (length < buffer.Length)
        {
            var read = await tls.ReadAsync(buffer.AsMemory(length), cancellationToken);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (Encoding.ASCII.GetString(buffer, 0, length).Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                break;
            }
        }

        var lines = Encoding.ASCII.GetString(buffer, 0, length).Split("\r\n");
        var parts = lines[0].Split(' ');
        var status = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        var location = lines.Skip(1).FirstOrDefault(l => l.StartsWith("Location:", StringComparison.OrdinalIgnoreCase))?[9..].Trim();
        return (status, location);
    }
}
