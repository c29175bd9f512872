using EspRelease.Core.Diagnostics;
using EspRelease.Core.Network;

namespace EspRelease.Core.Certificates;

/// <summary>One server the device talks to: its URL, the certificates it sent (leaf first), whether .NET trusted it, and its answer.</summary>
/// <param name="Url">The URL of this hop.</param>
/// <param name="Served">The certificates the server sent, leaf first.</param>
/// <param name="Status">The HTTP status it answered with; 0 when it did not answer properly.</param>
/// <param name="Location">Where a redirect points.</param>
/// <param name="PlatformTrusted">.NET itself trusted the server (so a SAS query may be sent to it).</param>
/// <param name="ResponseProblem">What went wrong after the TLS handshake (as a warning: the chain could still be judged).</param>
public sealed record ServerHop(Uri Url, IReadOnlyList<CertificateInfo> Served, int Status, string? Location, bool PlatformTrusted = false, Diagnostic? ResponseProblem = null);

/// <summary>
/// Connects like the device (TLS 1.2/1.3, HTTP/1.1, no ALPN), records the chain the server sends
/// without judging it (esp-release judges it later, by mbedtls's rules), and follows redirects:
/// every hop must be covered by the same CA file. It asks what the device asks, a GET (a server
/// such as openssl s_server -WWW never answers HEAD), for one byte, and stops after the headers.
/// </summary>
public static class ServerProbe
{
    private const int MaxRedirects = 10;

    public static async Task<IReadOnlyList<ServerHop>> ProbeAsync(Uri url, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        var hops = new List<ServerHop>();
        for (var current = url; ;)
        {
            if (current.Scheme != Uri.UriSchemeHttps)
            {
                throw new EspReleaseException(DiagnosticCodes.ServerUnreachable,
                    $"{Redact(current)}: not an https URL. The device verifies certificates only over HTTPS; use https:// (plain HTTP needs CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, which releases refuse).", Redact(current), FailureKind.Usage);
            }

            var hop = await ProbeOneAsync(current, timeouts, cancellationToken);
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

    private static async Task<ServerHop> ProbeOneAsync(Uri url, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        await using var connection = await DeviceConnection.OpenAsync(url, timeouts, cancellationToken);

        // A query may hold a SAS signature: it goes only to a server the platform already trusts.
        var request = new DeviceRequest("GET", url) { Range = "bytes=0-0", HeadersOnly = true, SendQuery = connection.PlatformTrusted };
        try
        {
            var response = await DeviceHttp.SendAsync(connection, request, timeouts, cancellationToken);
            return new ServerHop(url, connection.Served, response.Status, response.Header("Location"), connection.PlatformTrusted);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            // The certificates are what this probe is for, and they arrived: judge them, and say what
            // the device meets next. (`probe` judges the HTTP side in full.)
            var problem = e.Diagnostic with
            {
                Code = DiagnosticCodes.ServerAnswerFailed,
                Severity = Severity.Warning,
                Message = $"{e.Diagnostic.Message} The certificates were received and are judged regardless; run `esp-release probe` for the whole download.",
            };
            return new ServerHop(url, connection.Served, 0, null, connection.PlatformTrusted, problem);
        }
    }
}
