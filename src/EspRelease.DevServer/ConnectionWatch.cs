using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace EspRelease.DevServer;

/// <summary>What the server knows about one TCP connection, shared by the connection and request layers.</summary>
internal sealed class ConnectionState(IPAddress? client)
{
    public IPAddress? Client { get; } = client;

    /// <summary>Set once TLS is up: from then on, failures are HTTP's to report.</summary>
    public bool HandshakeCompleted { get; set; }
}

/// <summary>
/// Kestrel connection middleware around TLS. The outer part (<see cref="BeforeTlsAsync"/>) watches the raw
/// bytes and logs every connection whose handshake never completed, with the client's address and the reason:
/// a device that rejects the certificate shows up nowhere else, since it never sends a request. The inner part
/// (<see cref="AfterTlsAsync"/>) marks the handshake done and puts the Host-header fix in front of HTTP.
/// </summary>
internal sealed class ConnectionWatch(Action<DevServerLogEntry> log, KestrelEventCapture kestrel, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, ConnectionState> _open = new(StringComparer.Ordinal);

    /// <summary>The connection's client address while it is open (for Kestrel's own 400s).</summary>
    public ConnectionState? Find(string connectionId) => _open.TryGetValue(connectionId, out var state) ? state : null;

    public ConnectionDelegate BeforeTls(ConnectionDelegate next) => connection => BeforeTlsAsync(connection, next);

    public static ConnectionDelegate AfterTls(ConnectionDelegate next) => connection => AfterTlsAsync(connection, next);

    private async Task BeforeTlsAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        var state = new ConnectionState(ClientAddress.Normalize((connection.RemoteEndPoint as IPEndPoint)?.Address));
        connection.Features.Set(state);
        _open[connection.ConnectionId] = state;
        var observer = new TlsClientObserver();
        var transport = connection.Transport;
        var pump = new InputPump(transport, observer);
        connection.Transport = pump;
        try
        {
            await next(connection);
        }
        finally
        {
            await pump.DisposeAsync();
            connection.Transport = transport;
            _open.TryRemove(connection.ConnectionId, out _);
        }

        var detail = kestrel.TakeHandshakeError(connection.ConnectionId);
        if (!state.HandshakeCompleted)
        {
            log(observer.Describe(time.GetUtcNow(), state.Client, detail));
        }
    }

    private static async Task AfterTlsAsync(ConnectionContext connection, ConnectionDelegate next)
    {
        if (connection.Features.Get<ConnectionState>() is { } state)
        {
            state.HandshakeCompleted = true;
        }

        var port = (connection.LocalEndPoint as IPEndPoint)?.Port ?? 0;
        var transport = connection.Transport;
        var pump = new InputPump(transport, new HostHeaderRewriter(port));
        connection.Transport = pump;
        try
        {
            await next(connection);
        }
        finally
        {
            await pump.DisposeAsync();
            connection.Transport = transport;
        }
    }
}
