using System.Globalization;
using System.Text;
using EspRelease.Core.Certificates;

namespace EspRelease.Core.Doctor;

/// <summary>
/// One HTTP/1.1 request exactly as esp_http_client sends it (request line, Host, its User-Agent,
/// the firmware's own headers, nothing else: no Accept-Encoding), over a connection opened the
/// device's way. The body is streamed to a file (when asked) and only its first 4 KiB kept.
/// </summary>
public static class DeviceHttp
{
    private const int HeadBytes = 4096;

    /// <summary>The request line esp_http_client builds in its transmit buffer (default 512 bytes).</summary>
    public static string RequestLine(string method, Uri url) => $"{method} {url.PathAndQuery} HTTP/1.1\r\n";

    /// <param name="connection">An open connection to the URL's server.</param>
    /// <param name="method">GET or HEAD.</param>
    /// <param name="url">The URL (its path and query are sent).</param>
    /// <param name="headers">The firmware's extra headers (esp_http_client_set_header).</param>
    /// <param name="range">A Range header value, e.g. "bytes=0-15".</param>
    /// <param name="bodyFile">Where to write the body; null to discard it.</param>
    /// <param name="cancellationToken">Cancels the exchange.</param>
    public static async Task<DeviceResponse> SendAsync(DeviceConnection connection, string method, Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string? range, string? bodyFile, CancellationToken cancellationToken)
    {
        var request = new StringBuilder(RequestLine(method, url));
        request.Append("Host: ").Append(url.IsDefaultPort ? url.Host : $"{url.Host}:{url.Port}").Append("\r\n");
        request.Append("User-Agent: ESP32 HTTP Client/1.0\r\n");
        foreach (var (name, value) in headers)
        {
            request.Append(name).Append(": ").Append(value).Append("\r\n");
        }

        if (range is not null)
        {
            request.Append("Range: ").Append(range).Append("\r\n");
        }

        request.Append("Connection: close\r\n\r\n");
        var stream = connection.Stream;
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request.ToString()), cancellationToken);

        var reader = new BufferedReader(stream);
        var statusLine = await reader.ReadLineAsync(cancellationToken) ?? "";
        var parts = statusLine.Split(' ', 3);
        var status = parts.Length > 1 && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var code) ? code : 0;
        var responseHeaders = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var line = await reader.ReadLineAsync(cancellationToken); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(cancellationToken))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                responseHeaders[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
        }

        var chunked = responseHeaders.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase);
        var head = new MemoryStream();
        long received = 0;
        await using var file = bodyFile is null ? null : new FileStream(bodyFile, FileMode.Create, FileAccess.Write);
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

        if (method != "HEAD" && status is not (204 or 304))
        {
            if (chunked)
            {
                await reader.CopyChunkedAsync(Sink, cancellationToken);
            }
            else if (long.TryParse(responseHeaders.GetValueOrDefault("Content-Length"), NumberStyles.None, CultureInfo.InvariantCulture, out var length))
            {
                await reader.CopyAsync(length, Sink, cancellationToken);
            }
            else
            {
                await reader.CopyAsync(long.MaxValue, Sink, cancellationToken);
            }
        }

        return new DeviceResponse(status, responseHeaders, received, head.ToArray(), chunked);
    }

    /// <summary>A small line-and-block reader over the TLS stream (responses are read once, in order).</summary>
    private sealed class BufferedReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[64 * 1024];
        private int _start;
        private int _end;

        public async Task<string?> ReadLineAsync(CancellationToken cancellationToken)
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return line.Length > 0 ? line.ToString() : null;
                }

                var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = newline < 0 ? _end : newline;
                line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
                _start = newline < 0 ? _end : newline + 1;
                if (newline >= 0)
                {
                    return line.ToString().TrimEnd('\r');
                }
            }
        }

        public async Task CopyAsync(long count, Func<ReadOnlyMemory<byte>, Task> sink, CancellationToken cancellationToken)
        {
            while (count > 0)
            {
                if (_start == _end && !await FillAsync(cancellationToken))
                {
                    return;
                }

                var n = (int)Math.Min(count, _end - _start);
                await sink(_buffer.AsMemory(_start, n));
                _start += n;
                count -= n;
            }
        }

        public async Task CopyChunkedAsync(Func<ReadOnlyMemory<byte>, Task> sink, CancellationToken cancellationToken)
        {
            while (await ReadLineAsync(cancellationToken) is { } sizeLine
                && long.TryParse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) && size > 0)
            {
                await CopyAsync(size, sink, cancellationToken);
                await ReadLineAsync(cancellationToken);
            }
        }

        private async Task<bool> FillAsync(CancellationToken cancellationToken)
        {
            try
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken);
            }
            catch (IOException)
            {
                // A server that closes without close_notify ends the body here, as on the device.
                _end = 0;
            }

            return _end > 0;
        }
    }
}
