using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EspRelease.Testing;

/// <summary>What a <see cref="MisbehavingServer"/> does with a connection.</summary>
public enum Misbehavior
{
    /// <summary>Accepts the TCP connection and never sends a byte (a TLS handshake that never starts).</summary>
    AcceptsAndNeverAnswers,

    /// <summary>TLS, then answers GET the way openssl s_server -WWW does (HTTP/1.0, no Content-Length, close) and never answers HEAD.</summary>
    AnswersOnlyGet,

    /// <summary>TLS, then sends half a status line and headers, and closes.</summary>
    ClosesMidHeaders,

    /// <summary>Plain HTTP on the port the URL calls https: answers the TLS hello with 400.</summary>
    PlainHttp,
}

/// <summary>
/// A raw TCP (and TLS) server on a loopback address and a free port that misbehaves the way real
/// servers do, for the tests that every command bounds its waits and says why it stopped. Each
/// connection is handled until the server is disposed; nothing here waits unbounded.
/// </summary>
public sealed class MisbehavingServer : IAsyncDisposable
{
    private readonly TcpListener _listener;
    private readonly X509Certificate2? _certificate;
    private readonly Misbehavior _behavior;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accepting;

    private readonly Ipv6OnlyListener? _ipv6Only;

    private MisbehavingServer(TcpListener listener, X509Certificate2? certificate, Misbehavior behavior, Ipv6OnlyListener? ipv6Only = null)
    {
        _ipv6Only = ipv6Only;
        _listener = listener;
        _certificate = certificate;
        _behavior = behavior;
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Where it listens, as https://address:port/.</summary>
    public Uri BaseUrl => new($"https://{(((IPEndPoint)_listener.LocalEndpoint).Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[::1]" : "127.0.0.1")}:{Port}/");

    /// <summary>Requests seen so far (first line of each), for asserting what the client asked.</summary>
    public List<string> Requests { get; } = [];

    /// <param name="behavior">What it does.</param>
    /// <param name="certificate">The server certificate (with its key) for the TLS behaviours.</param>
    /// <param name="address">Loopback only: 127.0.0.1 or ::1 (only that family listens).</param>
    public static MisbehavingServer Start(Misbehavior behavior, X509Certificate2? certificate, IPAddress? address = null)
    {
        if (address is { AddressFamily: AddressFamily.InterNetworkV6 })
        {
            var ipv6Only = Ipv6OnlyListener.Start();
            return new MisbehavingServer(ipv6Only.Listener, certificate, behavior, ipv6Only);
        }

        var listener = new TcpListener(address ?? IPAddress.Loopback, 0);
        listener.Start();
        return new MisbehavingServer(listener, certificate, behavior);
    }

    public Uri Url(string path) => new(BaseUrl, path);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        _ipv6Only?.Dispose();
        Task[] running;
        lock (_connections)
        {
            running = [.. _connections, _accepting];
        }

        await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_connections)
            {
                _connections.Add(HandleAsync(client));
            }
        }
    }

    private async Task HandleAsync(TcpClient client)
    {
        using var connection = client;
        try
        {
            var stream = client.GetStream();
            switch (_behavior)
            {
                case Misbehavior.AcceptsAndNeverAnswers:
                    await Task.Delay(Timeout.Infinite, _stop.Token);
                    break;
                case Misbehavior.PlainHttp:
                    // The TLS hello is no request line; a plain server answers 400 to whatever came.
                    _ = await stream.ReadAsync(new byte[4096], _stop.Token);
                    await WriteAsync(stream, "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
                    break;
                default:
                    await using (var tls = new SslStream(stream))
                    {
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                        var request = await ReadRequestAsync(tls);
                        await AnswerAsync(tls, request);
                    }

                    break;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // The client gave up or the server stops: that is the point of these servers.
        }
    }

    private async Task AnswerAsync(SslStream tls, string request)
    {
        if (_behavior == Misbehavior.ClosesMidHeaders)
        {
            await WriteAsync(tls, "HTTP/1.1 200 OK\r\nContent-Ty");
            return;
        }

        // AnswersOnlyGet: openssl s_server -WWW's answer to GET; HEAD it leaves unanswered.
        if (request.StartsWith("GET ", StringComparison.Ordinal))
        {
            await WriteAsync(tls, "HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\nhello\n");
        }
        else
        {
            await Task.Delay(Timeout.Infinite, _stop.Token);
        }
    }

    private async Task<string> ReadRequestAsync(Stream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        while (!text.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var n = await stream.ReadAsync(buffer, _stop.Token);
            if (n == 0)
            {
                break;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        var first = text.ToString().Split("\r\n")[0];
        lock (Requests)
        {
            Requests.Add(first);
        }

        return first;
    }

    private async Task WriteAsync(Stream stream, string text)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes(text), _stop.Token);
        await stream.FlushAsync(_stop.Token);
    }
}
