using System.Globalization;
using System.Text;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Network;

/// <summary>
/// Reads one response off a device connection in order, once: lines for the head, blocks for the
/// body. Every read waits at most the device's timeout_ms, the whole exchange at most
/// <see cref="DeviceTimeouts.Transfer"/>; a timeout, a close too early or bytes that are not HTTP
/// become the typed error for the step they happened in.
/// </summary>
internal sealed class ResponseReader(DeviceConnection connection, DeviceRequest request, DeviceTimeouts timeouts, CancellationTokenSource transfer, CancellationToken cancellationToken)
{
    private const int MaxHeaderBytes = 64 * 1024;
    private const string Establish = "E (esp_https_ota): Failed to establish HTTP connection";
    private const string Incomplete = "E (esp_https_ota): Connection closed before complete data was received!";
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;
    private long _headBytes;
    private long _bodyBytes;

    public async Task WriteAsync(byte[] bytes)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(transfer.Token);
        limit.CancelAfter(timeouts.Response);
        try
        {
            await connection.Stream.WriteAsync(bytes, limit.Token);
            await connection.Stream.FlushAsync(limit.Token);
        }
        catch (Exception e) when (e is IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw Fail(DiagnosticCodes.ServerNoResponse, NetworkPhase.Request,
                e is OperationCanceledException
                    ? $"the server at {At} did not take the request ({request.Shown}) within {NetworkError.Seconds(timeouts.Response)}."
                    : $"the server at {At} closed the connection before the request ({request.Shown}) was sent ({e.Message}).",
                ["E (HTTP_CLIENT): Error write request", Establish], "Check the server's log for why it drops the connection.", e);
        }
    }

    /// <summary>The next line of the status line and headers; the first line is awaited with the device's patience for an answer.</summary>
    public async Task<string> ReadHeaderLineAsync(bool first)
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(NetworkPhase.Response))
            {
                throw _headBytes == 0
                    ? Fail(DiagnosticCodes.ServerNoResponse, NetworkPhase.Response, $"the server at {At} closed the connection without answering {request.Shown}.", [Establish], Advice)
                    : Fail(DiagnosticCodes.ServerNoResponse, NetworkPhase.Response, $"the server at {At} closed the connection after {_headBytes} bytes, in the middle of the response headers (no empty line ended them).", ["E (esp_https_ota): Complete headers were not received", Establish], Advice);
            }

            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
            _headBytes += (newline < 0 ? _end : newline + 1) - _start;
            _start = newline < 0 ? _end : newline + 1;
            if (_headBytes > MaxHeaderBytes)
            {
                throw first ? NotHttp(line.ToString()) : Fail(DiagnosticCodes.ServerNoResponse, NetworkPhase.Response,
                    $"the response headers from {At} run past {MaxHeaderBytes / 1024} KiB without ending.", ["E (HTTP_CLIENT): HTTP parser error"], Advice);
            }

            if (newline >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }
        }
    }

    public EspReleaseException NotHttp(string statusLine)
    {
        var shown = new string([.. statusLine.Take(60).Select(c => c is >= ' ' and < '\u007f' ? c : '.')]);
        return Fail(DiagnosticCodes.ServerNoResponse, NetworkPhase.Response,
            $"the server at {At} answered {request.Shown} with something that is not HTTP: \"{shown}\".",
            ["E (HTTP_CLIENT): HTTP parser error: invalid HTTP version", Establish],
            "The port serves another protocol behind TLS; use the URL of the web server.");
    }

    /// <summary>Exactly <paramref name="count"/> bytes (a Content-Length body).</summary>
    public async Task CopyAsync(long count, Func<ReadOnlyMemory<byte>, Task> sink)
    {
        var expected = count;
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(NetworkPhase.Body))
            {
                throw Fail(DiagnosticCodes.ResponseIncomplete, NetworkPhase.Body,
                    $"the server at {At} closed the connection after {expected - count} of the {expected} bytes its Content-Length promised.",
                    [Incomplete], "The server stops mid-transfer: check its log (a proxy timeout, a file being rewritten).");
            }

            var n = (int)Math.Min(count, _end - _start);
            await sink(_buffer.AsMemory(_start, n));
            _start += n;
            count -= n;
        }
    }

    /// <summary>Everything until the server closes (a response without Content-Length or chunking, as openssl s_server -WWW sends).</summary>
    public async Task CopyToEndAsync(Func<ReadOnlyMemory<byte>, Task> sink)
    {
        while (_start < _end || await FillAsync(NetworkPhase.Body))
        {
            await sink(_buffer.AsMemory(_start, _end - _start));
            _start = _end;
        }
    }

    public async Task CopyChunkedAsync(Func<ReadOnlyMemory<byte>, Task> sink)
    {
        while (true)
        {
            var sizeLine = await ReadBodyLineAsync();
            if (!long.TryParse(sizeLine.Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var size) || size < 0)
            {
                throw Fail(DiagnosticCodes.ResponseIncomplete, NetworkPhase.Body, $"the chunked body from {At} has a malformed chunk size \"{sizeLine}\" after {_bodyBytes} bytes.",
                    ["E (HTTP_CLIENT): HTTP parser error: invalid character in chunk size header"], "The server (or a proxy in front of it) garbles chunked encoding; serve the file with a Content-Length.");
            }

            if (size == 0)
            {
                return;
            }

            await CopyAsync(size, sink);
            await ReadBodyLineAsync();
        }
    }

    private string At => NetworkError.Format(connection.Remote);

    private static string Advice => "Check the server's log; try `curl -v` with the same URL.";

    private async Task<string> ReadBodyLineAsync()
    {
        var line = new StringBuilder();
        while (true)
        {
            if (_start == _end && !await FillAsync(NetworkPhase.Body))
            {
                throw Fail(DiagnosticCodes.ResponseIncomplete, NetworkPhase.Body, $"the server at {At} closed the connection in the middle of a chunked body, after {_bodyBytes} bytes, before the last chunk.",
                    ["E (HTTP_CLIENT): Incomplete chunked data received", Incomplete], "Serve the file with a Content-Length, and check the server's log for why it stops.");
            }

            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            var stop = newline < 0 ? _end : newline;
            line.Append(Encoding.Latin1.GetString(_buffer, _start, stop - _start));
            _start = newline < 0 ? _end : newline + 1;
            if (newline >= 0)
            {
                return line.ToString().TrimEnd('\r');
            }

            if (line.Length > 1024)
            {
                throw Fail(DiagnosticCodes.ResponseIncomplete, NetworkPhase.Body, $"the chunked body from {At} has a chunk-size line over 1 KiB.", ["E (HTTP_CLIENT): HTTP parser error"], "Serve the file with a Content-Length.");
            }
        }
    }

    // False at the end of the stream. A server that closes without close_notify ends the stream here, as on the device.
    private async Task<bool> FillAsync(NetworkPhase phase)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(transfer.Token);
        limit.CancelAfter(timeouts.Response);
        try
        {
            _start = 0;
            _end = await connection.Stream.ReadAsync(_buffer, limit.Token);
        }
        catch (IOException)
        {
            _end = 0;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            _end = 0;
            throw TimedOut(phase, e);
        }

        if (phase == NetworkPhase.Body)
        {
            _bodyBytes += _end;
        }

        return _end > 0;
    }

    private EspReleaseException TimedOut(NetworkPhase phase, Exception e)
    {
        const string NotReady = "W (HTTP_CLIENT): Connection timed out before data was ready!";
        if (transfer.IsCancellationRequested)
        {
            return Fail(DiagnosticCodes.ResponseIncomplete, phase, $"the exchange with {At} did not finish within {NetworkError.Seconds(timeouts.Transfer)} ({_bodyBytes} bytes of body by then).",
                [Incomplete], "The server is too slow for a firmware download; check its bandwidth and log.", e);
        }

        var wait = NetworkError.Seconds(timeouts.Response);
        return phase == NetworkPhase.Body
            ? Fail(DiagnosticCodes.ResponseIncomplete, phase, $"the server at {At} stopped sending after {_bodyBytes} bytes of the body and sent nothing for {wait}.",
                [NotReady, Incomplete], "The server stalls mid-transfer (the device's timeout_ms is 5 s): check its log.", e)
            : _headBytes == 0
                ? Fail(DiagnosticCodes.ServerNoResponse, phase, $"the TLS handshake with {At} succeeded, but the server sent no answer to {request.Shown} within {wait}{(request.Method == "HEAD" ? " (it does not answer HEAD)" : "")}.",
                    [NotReady, Establish], $"The device waits 5 s (esp_http_client's timeout_ms) for the first byte. {(request.Method == "HEAD" ? "Servers such as openssl s_server -WWW answer only GET." : "Check that the server answers this path; try `curl -v`.")}", e)
                : Fail(DiagnosticCodes.ServerNoResponse, phase, $"the server at {At} stopped in the middle of its response headers ({_headBytes} bytes) and sent nothing for {wait}.",
                    [NotReady, Establish], Advice, e);
    }

    private EspReleaseException Fail(string code, NetworkPhase phase, string what, IReadOnlyList<string> deviceLog, string fix, Exception? inner = null) =>
        NetworkError.Create(code, phase, request.Url, connection.Remote, what, deviceLog, fix, inner);
}
