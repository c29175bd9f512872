using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Network;

/// <summary>
/// Opens the TCP connection the device would open: the host resolved once, the first IPv4 address
/// taken (lwIP's getaddrinfo answers IPv4 first and esp-tls connects to that one address), else the
/// first IPv6 one, each attempt bounded. When that fails, the same port is tried over the other
/// address family, so "the server listens on IPv6 only" is said as such instead of "refused".
/// </summary>
internal static class DeviceSocket
{
    /// <summary>A short look at the other family: it is a diagnosis, not the device's attempt.</summary>
    private static readonly TimeSpan OtherFamilyTimeout = TimeSpan.FromSeconds(2);

    public static async Task<Socket> ConnectAsync(Uri url, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        var host = url.IdnHost.Trim('[', ']');
        var addresses = await ResolveAsync(url, host, timeouts.Resolve, cancellationToken);
        var target = new IPEndPoint(addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], url.Port);

        var (socket, error) = await TryConnectAsync(target, timeouts.Connect, cancellationToken);
        if (socket is not null)
        {
            return socket;
        }

        var other = await OtherFamilyListenerAsync(target, addresses, cancellationToken);
        throw other is not null ? WrongFamily(url, target, other) : Refused(url, target, error!.Value, timeouts.Connect);
    }

    internal static async Task<IReadOnlyList<IPAddress>> ResolveAsync(Uri url, string host, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (IPAddress.TryParse(host, out var literal))
        {
            return [literal];
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        string why;
        try
        {
            var found = await Dns.GetHostAddressesAsync(host, limit.Token);
            if (found.Length > 0)
            {
                return found;
            }

            why = "it has no address";
        }
        catch (SocketException e)
        {
            why = e.SocketErrorCode == SocketError.HostNotFound ? "no such name" : e.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            why = $"no answer from the name server within {NetworkError.Seconds(timeout)}";
        }

        var local = host.EndsWith(".local", StringComparison.OrdinalIgnoreCase)
            ? " A .local name is answered by mDNS: the device resolves it only with CONFIG_LWIP_DNS_SUPPORT_MDNS_QUERIES=y and the mdns component, and only on the same network."
            : "";
        throw NetworkError.Create(DiagnosticCodes.HostNotFound, NetworkPhase.Resolve, url, null,
            $"cannot resolve the host name \"{host}\" ({why}).",
            [$"E (esp-tls): couldn't get hostname for :{host}: getaddrinfo() returns 202, addrinfo=0x0", "E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
            $"Check the spelling and that the device's DNS server knows the name, or use the server's IP address.{local}");
    }

    internal static async Task<(Socket? Socket, SocketError? Error)> TryConnectAsync(IPEndPoint target, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(target.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(target, limit.Token);
            return (socket, null);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            return (null, e.SocketErrorCode);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            return (null, SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    // The same port over the other family: another address the name resolved to, or, for an address
    // of this machine, its counterpart (127.0.0.1 and ::1, the machine's other addresses).
    internal static async Task<IPEndPoint?> OtherFamilyListenerAsync(IPEndPoint failed, IReadOnlyList<IPAddress> resolved, CancellationToken cancellationToken)
    {
        var family = failed.AddressFamily;
        var candidates = resolved.Where(a => a.AddressFamily != family).ToList();
        if (candidates.Count == 0 && IsThisMachine(failed.Address))
        {
            candidates = LocalAddresses(IPAddress.IsLoopback(failed.Address), family == AddressFamily.InterNetwork ? AddressFamily.InterNetworkV6 : AddressFamily.InterNetwork);
        }

        foreach (var address in candidates.Take(4))
        {
            var (socket, _) = await TryConnectAsync(new IPEndPoint(address, failed.Port), OtherFamilyTimeout, cancellationToken);
            if (socket is not null)
            {
                socket.Dispose();
                return new IPEndPoint(address, failed.Port);
            }
        }

        return null;
    }

    private static bool IsThisMachine(IPAddress address) =>
        IPAddress.IsLoopback(address) || LocalAddresses(loopback: false, address.AddressFamily).Contains(address);

    private static List<IPAddress> LocalAddresses(bool loopback, AddressFamily family)
    {
        if (loopback)
        {
            return [family == AddressFamily.InterNetwork ? IPAddress.Loopback : IPAddress.IPv6Loopback];
        }

        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces()
                .Where(i => i.OperationalStatus == OperationalStatus.Up)
                .SelectMany(i => i.GetIPProperties().UnicastAddresses)
                .Select(u => u.Address)
                .Where(a => a.AddressFamily == family && !a.IsIPv6LinkLocal && !IPAddress.IsLoopback(a))];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }

    internal static EspReleaseException WrongFamily(Uri url, IPEndPoint failed, IPEndPoint listening)
    {
        var (urlFamily, otherFamily) = (NetworkError.Family(failed.Address), NetworkError.Family(listening.Address));
        return NetworkError.Create(DiagnosticCodes.ServerWrongFamily, NetworkPhase.Connect, url, failed,
            $"nothing accepts a connection on {NetworkError.Format(failed)} over {urlFamily}, but {NetworkError.Format(listening)} does: the server listens on {otherFamily} only, while the device connects to the URL's {urlFamily} address. A browser on this PC can hide it (\"localhost\" may resolve to {otherFamily}).",
            urlFamily == "IPv4"
                ? ["E (esp-tls): Failed to connnect to host (errno 113)", "E (esp-tls): [sock=54] select() timeout"]
                : ["E (esp-tls): [sock=54] delayed connect error: Connection reset by peer"],
            urlFamily == "IPv4"
                ? $"(ESP-IDF 4.3 and older log the first, 4.4 and newer the second.) Make the server listen on IPv4 too: `openssl s_server … -accept 0.0.0.0:{failed.Port}` (or -4), `python3 -m http.server --bind 0.0.0.0`, nginx `listen {failed.Port} ssl;`, or run `esp-release serve`, which listens on both families."
                : $"Make the server listen on IPv6 too (e.g. `-accept [::]:{failed.Port}`, nginx `listen [::]:{failed.Port} ssl;`), or use the server's IPv4 address in the URL.");
    }

    internal static EspReleaseException Refused(Uri url, IPEndPoint target, SocketError error, TimeSpan timeout)
    {
        var at = NetworkError.Format(target);
        return error switch
        {
            SocketError.ConnectionRefused => NetworkError.Create(DiagnosticCodes.ServerUnreachable, NetworkPhase.Connect, url, target,
                $"{at} refused the connection: nothing listens on port {target.Port} there (over either address family).",
                ["E (esp-tls): [sock=54] delayed connect error: Connection reset by peer", "E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
                "ESP-IDF 4.3 and older log \"Failed to connnect to host (errno 104)\" instead. Start the server, or correct the host and port in the URL."),
            SocketError.TimedOut => NetworkError.Create(DiagnosticCodes.ServerUnreachable, NetworkPhase.Connect, url, target,
                $"no answer from {at} within {NetworkError.Seconds(timeout)}: the connection attempt was dropped (a firewall, or a host that is down).",
                ["E (esp-tls): [sock=54] select() timeout", "E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
                $"ESP-IDF 4.3 and older log \"Failed to connnect to host (errno 113)\" instead. Check that the host is up and that its firewall lets TCP port {target.Port} in (on Windows: an inbound rule for the active network profile)."),
            SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.AddressNotAvailable => NetworkError.Create(DiagnosticCodes.ServerUnreachable, NetworkPhase.Connect, url, target,
                $"{at} cannot be reached from this PC ({error}: no route to it).",
                ["E (esp-tls): [sock=54] delayed connect error: Host is unreachable", "E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
                "Check the address: the device must be on a network that routes to it."),
            _ => NetworkError.Create(DiagnosticCodes.ServerUnreachable, NetworkPhase.Connect, url, target,
                $"cannot connect to {at} ({error}).",
                ["E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT"],
                "Check the host, the port and the network."),
        };
    }
}
