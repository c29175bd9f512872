using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Network;

namespace EspRelease.Core.Doctor;

/// <summary>
/// The story's fourth failure: the firmware's C code sends an Azure SAS in an Authorization header,
/// which Blob Storage answers with 403 AuthenticationFailed (it reads a SAS only from the query). Found
/// in the sources; with a live URL, both requests are made as the device makes them (the SAS in the
/// query, then in the header), and only to a server the project's CA (or the platform) trusts, since
/// the token is a secret.
/// </summary>
internal static class SasCheck
{
    private const string DeviceLine = "E (esp_https_ota): File not found(403)";

    public static async Task<LiveCheck?> RunAsync(DoctorContext context, bool live, CancellationToken cancellationToken)
    {
        var headers = context.Sources.SasHeaders();
        if (headers.Count == 0)
        {
            return context.Sources.Count == 0 ? null : LiveCheck.Passed($"no SAS token is sent in a request header by the project's {context.Sources.Count} C source files.");
        }

        var first = headers[0];
        var where = string.Join(", ", headers.Select(h => $"{h.File} line {h.Line}"));
        var url = context.Url;
        var plain = url?.GetLeftPart(UriPartial.Path) ?? "https://<account>.blob.core.windows.net/<container>/<firmware>.bin";
        var evidence = $"{where}: esp_http_client_set_header(…, \"{first.Header}\", \"{Redacted(first.Value)}\").";
        if (live && url is not null && url.Scheme == Uri.UriSchemeHttps)
        {
            var (confirmed, seen) = await ProbeBothWaysAsync(context, url, first, cancellationToken);
            if (confirmed == false)
            {
                return LiveCheck.Passed($"{evidence} {seen} The server takes the header, so it is not Blob Storage's 403.");
            }

            evidence += " " + seen;
        }

        return LiveCheck.Failed(new DoctorFinding
        {
            Code = DiagnosticCodes.DeviceAzureAuthentication,
            Severity = Severity.Error,
            Cause = $"the firmware sends its SAS token in an \"{first.Header}\" header ({where}); Blob Storage reads a SAS only from the URL's query string and takes SharedKey or Bearer in that header, so it answers 403 AuthenticationFailed, with an XML error body.",
            Fix = $"Delete the esp_http_client_set_header(…, \"{first.Header}\", …) call and put the token in the URL's query: `dotnet esp-release sdkconfig url \"{plain}?<the SAS token>\" --project {context.ProjectDir}`.",
            Lines = [DeviceLine],
            Evidence = evidence,
            Predicted = true,
            Confirmed = true,
            File = first.File,
        });
    }

    // True: the query got 2xx and the header 403. False: the header was taken. Null: not decided (not
    // reached, not trusted, or another answer); the text says what was seen.
    private static async Task<(bool? Confirmed, string Seen)> ProbeBothWaysAsync(DoctorContext context, Uri url, SasHeader sas, CancellationToken cancellationToken)
    {
        var timeouts = context.Options.Timeouts;
        try
        {
            var inQuery = new UriBuilder(url) { Query = sas.Token }.Uri;
            var query = await SendAsync(context, new DeviceRequest("GET", inQuery) { Range = "bytes=0-0", HeadersOnly = true }, timeouts, cancellationToken);
            if (query is null)
            {
                return (null, "Not probed live: the server's certificate is trusted neither by the project's CA nor by this PC, so the token was not sent to it.");
            }

            var header = await SendAsync(context, new DeviceRequest("GET", url) { Range = "bytes=0-0", HeadersOnly = true, Headers = [new(sas.Header, sas.Value)] }, timeouts, cancellationToken);
            var code = header!.Header("x-ms-error-code");
            var seen = $"Live: GET with the SAS in the query → {query.Status}; the same token in the {sas.Header} header → {header.Status}{(code is null ? "" : " " + code)}.";
            return (header.Status == 403 && query.Status is >= 200 and < 300 ? true : header.Status is >= 200 and < 300 ? false : null, seen);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            return (null, $"Not probed live: {e.Diagnostic.Message}");
        }
    }

    // Null when the server is not trusted: the token is a secret and goes only where the device would send it.
    private static async Task<DeviceResponse?> SendAsync(DoctorContext context, DeviceRequest request, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        await using var connection = await DeviceConnection.OpenAsync(request.Url, timeouts, cancellationToken);
        var (trusted, _, _) = context.DeviceCa();
        var byCa = trusted is { Count: > 0 } && MbedTlsVerifier.Verify(connection.Served, trusted, request.Url.IdnHost.Trim('[', ']'), new MbedTlsVerifyOptions { Generation = context.Generation }).Trusted;
        return connection.PlatformTrusted || byCa ? await DeviceHttp.SendAsync(connection, request, timeouts, cancellationToken) : null;
    }

    private static string Redacted(string value)
    {
        var sig = value.IndexOf("sig=", StringComparison.Ordinal);
        return sig < 0 ? value : value[..(sig + 4)] + "<redacted>";
    }
}
