using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Text;

namespace EspRelease.DevServer;

/// <summary>
/// Reads the client's side of a TLS handshake as it passes (unchanged) to the TLS layer, so that a failed
/// handshake can be explained. A client that rejects the server certificate ends a TLS 1.2 handshake with an
/// alert sent in the clear (mbedtls: unknown_ca for "not signed by a trusted CA", bad_certificate for a host
/// name mismatch); that alert names the reason on every platform, whatever the server's TLS library says.
/// </summary>
internal sealed class TlsClientObserver : IInputTransform
{
    private const byte ChangeCipherSpec = 20;
    private const byte AlertRecord = 21;
    private const byte HandshakeRecord = 22;
    private const byte ApplicationData = 23;
    private const byte ClientHelloMessage = 1;
    private const int FirstBytesKept = 80;

    private static readonly string[] _httpMethods = ["GET ", "HEAD ", "POST ", "PUT ", "OPTIONS ", "DELETE "];

    private readonly byte[] _header = new byte[5];
    private readonly List<byte> _first = new(FirstBytesKept);
    private int _headerFilled;
    private int _payloadRemaining;
    private int _payloadIndex;
    private bool _done;
    private bool _notTls;
    private byte? _alertDescription;

    /// <summary>Bytes the client sent.</summary>
    public long BytesSeen { get; private set; }

    public bool SawClientHello { get; private set; }

    public SequencePosition Process(ReadOnlySequence<byte> buffer, bool isFinal, PipeWriter output)
    {
        foreach (var segment in buffer)
        {
            Observe(segment.Span);
            output.Write(segment.Span);
        }

        return buffer.End;
    }

    /// <summary>What the client did, for the log line of a handshake that did not complete.</summary>
    /// <param name="time">When the connection ended.</param>
    /// <param name="client">The client's address.</param>
    /// <param name="detail">What the server's TLS library reported, if anything.</param>
    public TlsFailureLogEntry Describe(DateTimeOffset time, IPAddress? client, string? detail)
    {
        if (BytesSeen == 0)
        {
            return new TlsFailureLogEntry(time, client, TlsFailureKind.NoData,
                "the client connected and sent nothing before it closed or timed out (a port check, or a client that gave up before TLS began).")
            { Detail = detail };
        }

        if (_notTls)
        {
            var text = Encoding.ASCII.GetString([.. _first]);
            var line = text.Split('\r', '\n')[0];
            if (LooksLikeHttp(line))
            {
                return new TlsFailureLogEntry(time, client, TlsFailureKind.PlainHttp,
                    $"the client sent plain HTTP (\"{LogText.Safe(line)}\") to this HTTPS port. Its URL starts with http://; use the https:// URL this server printed.")
                { Detail = detail };
            }

            return new TlsFailureLogEntry(time, client, TlsFailureKind.NotTls,
                $"the client's first bytes are not a TLS handshake (0x{_first[0]:x2}…); it is not speaking TLS to this port.")
            { Detail = detail };
        }

        if (_alertDescription is { } alert)
        {
            var (name, meaning) = TlsAlerts.Describe(alert);
            return new TlsFailureLogEntry(time, client, TlsFailureKind.Alert, $"the client sent TLS alert {name} ({alert}): {meaning}")
            {
                Alert = alert,
                AlertName = name,
                Detail = detail,
            };
        }

        return new TlsFailureLogEntry(time, client, TlsFailureKind.Closed,
            (SawClientHello ? "the client started the handshake and then closed or stalled without a readable alert" : "the client closed during the handshake")
            + " (a TLS 1.3 client sends its reason encrypted; a device that ran out of memory or timed out just stops). If it is a device, its log says why.")
        { Detail = detail };
    }

    private void Observe(ReadOnlySpan<byte> data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            if (_done && _first.Count >= FirstBytesKept)
            {
                BytesSeen += data.Length - i;
                return;
            }

            var b = data[i];
            if (_first.Count < FirstBytesKept)
            {
                _first.Add(b);
            }

            BytesSeen++;
            if (!_done)
            {
                Feed(b);
            }
        }
    }

    private void Feed(byte b)
    {
        if (BytesSeen == 1 && b != HandshakeRecord)
        {
            _notTls = true;
            _done = true;
            return;
        }

        if (_headerFilled < _header.Length)
        {
            _header[_headerFilled++] = b;
            if (_headerFilled == _header.Length)
            {
                _payloadRemaining = (_header[3] << 8) | _header[4];
                _payloadIndex = 0;
                if (_header[0] is ChangeCipherSpec or ApplicationData)
                {
                    // From here on the client's records are encrypted: nothing more to read in the clear.
                    _done = true;
                }
                else if (_payloadRemaining == 0)
                {
                    _headerFilled = 0;
                }
            }

            return;
        }

        var type = _header[0];
        if (type == HandshakeRecord && _payloadIndex == 0 && b == ClientHelloMessage)
        {
            SawClientHello = true;
        }
        else if (type == AlertRecord && _payloadIndex == 1)
        {
            _alertDescription ??= b;
        }

        _payloadIndex++;
        if (--_payloadRemaining == 0)
        {
            _headerFilled = 0;
            _done = _alertDescription is not null;
        }
    }

    private static bool LooksLikeHttp(string line) =>
        line.Contains(" HTTP/", StringComparison.Ordinal)
        || _httpMethods.Any(m => line.StartsWith(m, StringComparison.Ordinal));
}
