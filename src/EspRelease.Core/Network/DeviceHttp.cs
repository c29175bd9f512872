using System.Globalization;
using System.Text;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Network;

/// <summary>
/// One HTTP/1.1 request exactly as esp_http_client sends it (request line, Host, its User-Agent,
/// the firmware's own headers, nothing else: no Accept-Encoding), over a connection opened the
/// device's way, and its answer read the device's way: every read bounded by the device's
/// timeout_ms, the body streamed to a file (when asked) with only its first 4 KiB kept. Whatever
/// the server does instead of answering becomes a typed error naming the step.
/// </summary>
public static class DeviceHttp
{
    private const int HeadBytes = 4096;

    /// <summary>The request line esp_http_client builds in its transmit buffer (default 512 bytes).</summary>
    public static string RequestLine(string method, Uri url) => $"{method} {url.PathAndQuery} HTTP/1.1\r\n";

    /// <exception cref="EspReleaseException">The server did not answer the way any HTTP server must.</exception>
    public static async Task<DeviceResponse> SendAsync(DeviceConnection connection, DeviceRequest request, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        using var transfer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        transfer.CancelAfter(timeouts.Transfer);
        var io = new ResponseReader(connection, request, timeouts, transfer, cancellationToken);
        await io.WriteAsync(Encoding.ASCII.GetBytes(Compose(request)));

        var (status, headers) = await ReadHeadAsync(io);
        var chunked = headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        var head = new MemoryStream();
        long received = 0;
        await using var file = request.BodyFile is null ? null : new FileStream(request.BodyFile, FileMode.Create, FileAccess.Write);
        async Task Sink(ReadOnlyMemory<byte> data)
        {
            if (head.Length < HeadBytes)
            {
                head.Write(data.Span[..(int)Math.Min(data.Length, HeadBytes - head.Length)]);
            }

            if (file is not null)
            {
                await file.WriteAsync(data, cancellationToken);
            }

            received += data.Length;
        }

        if (!request.HeadersOnly && request.Method != "HEAD" && status is not (204 or 304))
        {
            if (chunked)
            {
                await io.CopyChunkedAsync(Sink);
            }
            else if (long.TryParse(headers.GetValueOrDefault("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                await io.CopyAsync(length, Sink);
            }
            else
            {
                await io.CopyToEndAsync(Sink);
            }
        }

        return new DeviceResponse(status, headers, received, head.ToArray(), chunked);
    }

    private static string Compose(DeviceRequest request)
    {
        var url = request.Url;
        var text = new StringBuilder($"{request.Method} {request.Target} HTTP/1.1\r\n");
        text.Append("Host: ").Append(url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}").Append("\r\n");
        text.Append("User-Agent: ESP32 HTTP Client/1.0\r\n");
        foreach (var (name, value) in request.Headers)
        {
            text.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (request.Range is not null)
        {
            text.Append("Range: ").Append(request.Range).Append("\r\n");
        }

        return text.Append("Connection: close\r\n\r\n").ToString();
    }

    private static async Task<(int Status, Dictionary<string, string> Headers)> ReadHeadAsync(ResponseReader io)
    {
        var statusLine = await io.ReadHeaderLineAsync(first: true);
        if (!TryParseStatus(statusLine, out var status))
        {
            throw io.NotHttp(statusLine);
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await io.ReadHeaderLineAsync(first: false); line.Length > 0; line = await io.ReadHeaderLineAsync(first: false))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        return (status, headers);
    }

    // "HTTP/1.1 200 OK", "HTTP/1.0 200 ok" (openssl s_server -WWW); esp_http_client's parser takes nothing else.
    private static bool TryParseStatus(string line, out int status)
    {
        status = 0;
        var parts = line.Split(' ', 3);
        return parts.Length >= 2 && parts[0].StartsWith("HTTP/1.", StringComparison.Ordinal) && parts[1].Length == 3
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out status);
    }
}
