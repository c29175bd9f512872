using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EspRelease.DevServer;

/// <summary>
/// esp_http_client writes the Host header from the URL's host without the brackets an IPv6 literal needs
/// (<c>Host: fd00::2:8070</c> for <c>https://[fd00::2]:8070/</c>). Kestrel rejects that with 400 before any
/// middleware runs, so a device could never download over IPv6. This transform sits between TLS and HTTP and
/// brackets such a Host value in each request's header block; everything else passes unchanged. The original
/// value travels to the request log in <see cref="NoteHeader"/>.
/// </summary>
internal sealed class HostHeaderRewriter(int localPort) : IInputTransform
{
    /// <summary>Added to a rewritten request (and removed from any request that sent it itself) so the log can say so.</summary>
    public const string NoteHeader = "X-Esp-Release-Unbracketed-Host";

    // Kestrel's default header limit is 32 KiB; a block longer than this is not ours to fix.
    private const int MaxHeaderBlock = 64 * 1024;
    private static readonly byte[] _endOfHeaders = "\r\n\r\n"u8.ToArray();

    private bool _passThrough;
    private long _bodyRemaining;

    public SequencePosition Process(ReadOnlySequence<byte> buffer, bool isFinal, PipeWriter output)
    {
        var rest = buffer;
        while (!rest.IsEmpty)
        {
            if (_passThrough)
            {
                Copy(rest, output);
                return buffer.End;
            }

            if (_bodyRemaining > 0)
            {
                var body = rest.Slice(0, Math.Min(_bodyRemaining, rest.Length));
                Copy(body, output);
                _bodyRemaining -= body.Length;
                rest = rest.Slice(body.End);
                continue;
            }

            var reader = new SequenceReader<byte>(rest);
            if (!reader.TryReadTo(out ReadOnlySequence<byte> _, _endOfHeaders, advancePastDelimiter: true))
            {
                if (isFinal || rest.Length > MaxHeaderBlock)
                {
                    _passThrough = true;
                    continue;
                }

                return rest.Start; // the header block is not complete yet
            }

            var block = rest.Slice(0, reader.Position);
            WriteHeaderBlock(block, output);
            rest = rest.Slice(reader.Position);
        }

        return buffer.End;
    }

    /// <summary>
    /// The bracketed form of an unbracketed IPv6 Host value, or null when the value needs nothing.
    /// <c>fd00::2:8070</c> is ambiguous (the port could be the address's last group); the connection's own
    /// port decides, because esp_http_client appends the port whenever it is not the scheme's default.
    /// </summary>
    /// <param name="value">The Host header's value.</param>
    /// <param name="localPort">The port the client connected to.</param>
    public static string? Bracket(string value, int localPort)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0 || value[0] == '[' || value.Count(c => c == ':') < 2 || !value.All(c => char.IsAsciiHexDigit(c) || c is ':' or '.'))
        {
            return null;
        }

        var colon = value.LastIndexOf(':');
        var host = value[..colon];
        var portText = value[(colon + 1)..];
        var hasPort = portText.Length is > 0 and <= 5 && portText.All(char.IsAsciiDigit);
        var port = hasPort ? int.Parse(portText, CultureInfo.InvariantCulture) : -1;
        if (hasPort && port == localPort && IsIPv6(host))
        {
            return $"[{host}]:{portText}";
        }

        if (IsIPv6(value))
        {
            return $"[{value}]"; // no port: the scheme's default (esp_http_client leaves out 443)
        }

        return hasPort && IsIPv6(host) ? $"[{host}]:{portText}" : null;
    }

    private static bool IsIPv6(string text) => IPAddress.TryParse(text, out var address) && address.AddressFamily == AddressFamily.InterNetworkV6;

    private void WriteHeaderBlock(ReadOnlySequence<byte> block, PipeWriter output)
    {
        var text = Encoding.Latin1.GetString(block);
        var lines = text.Split("\r\n");
        var changed = false;
        var kept = new List<string>(lines.Length + 1);
        string? note = null;
        foreach (var line in lines)
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon] : null;
            if (name is null || kept.Count == 0)
            {
                kept.Add(line); // the request line, and the empty lines that end the block
                continue;
            }

            var value = line[(colon + 1)..].Trim(' ', '\t');
            if (name.Equals(NoteHeader, StringComparison.OrdinalIgnoreCase))
            {
                changed = true; // only this server sets it
                continue;
            }

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) && Bracket(value, localPort) is { } bracketed)
            {
                kept.Add($"{name}: {bracketed}");
                note = value;
                changed = true;
                continue;
            }

            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                _passThrough = true; // a chunked body: its end is the HTTP layer's business, not ours
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var length))
                {
                    _bodyRemaining = length;
                }
                else
                {
                    _passThrough = true; // Kestrel refuses the request; do not guess where it ends
                }
            }

            kept.Add(line);
        }

        if (!changed)
        {
            Copy(block, output);
            return;
        }

        if (note is not null)
        {
            // Before the request line's terminating empty lines: the block ends "...\r\n\r\n", so the last two entries are empty.
            kept.Insert(kept.Count - 2, $"{NoteHeader}: {note}");
        }

        output.Write(Encoding.Latin1.GetBytes(string.Join("\r\n", kept)));
    }

    private static void Copy(ReadOnlySequence<byte> data, PipeWriter output)
    {
        foreach (var segment in data)
        {
            output.Write(segment.Span);
        }
    }
}
