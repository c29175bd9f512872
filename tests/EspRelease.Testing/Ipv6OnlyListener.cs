using System.Net;
using System.Net.Sockets;

namespace EspRelease.Testing;

/// <summary>
/// A TCP listener on [::1] only, for the tests of a server that listens on IPv6 alone (the device's
/// errno 113). Those tests connect to 127.0.0.1 on the same port and expect a refusal, so the port is
/// also held on 127.0.0.1 by a socket that is bound but never listens (a connection to it is refused):
/// without that, another server of the run (Azurite, s3rver, Kestrel on port 0) could take the same
/// port number on IPv4 and answer instead.
/// </summary>
public sealed class Ipv6OnlyListener : IDisposable
{
    private readonly Socket _ipv4Hold;

    private Ipv6OnlyListener(TcpListener listener, Socket ipv4Hold)
    {
        Listener = listener;
        _ipv4Hold = ipv4Hold;
    }

    public TcpListener Listener { get; }

    public int Port => ((IPEndPoint)Listener.LocalEndpoint).Port;

    /// <summary>Starts listening on a free port of [::1] whose number is free on 127.0.0.1 too.</summary>
    public static Ipv6OnlyListener Start()
    {
        for (var attempt = 1; ; attempt++)
        {
            var listener = new TcpListener(IPAddress.IPv6Loopback, 0);
            listener.Server.DualMode = false;
            listener.Start();
            var hold = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                hold.Bind(new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)listener.LocalEndpoint).Port));
                return new Ipv6OnlyListener(listener, hold);
            }
            catch (SocketException) when (attempt < 50)
            {
                // The number is taken on IPv4: another port.
                hold.Dispose();
                listener.Stop();
            }
        }
    }

    public void Dispose()
    {
        Listener.Stop();
        _ipv4Hold.Dispose();
    }
}
