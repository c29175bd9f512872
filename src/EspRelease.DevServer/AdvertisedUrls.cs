using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace EspRelease.DevServer;

/// <summary>One of this PC's addresses a device on the LAN might reach, with what makes it likely.</summary>
/// <param name="Address">The address.</param>
/// <param name="Interface">The interface's name (eth0, wlan0, Wi-Fi).</param>
/// <param name="HasGateway">The interface has a default gateway: it is the LAN, not a host-only or container network.</param>
/// <param name="Virtual">The interface looks like a VM, container or VPN adapter.</param>
public sealed record LanAddress(IPAddress Address, string Interface, bool HasGateway, bool Virtual);

/// <summary>A URL to put in the firmware's configuration.</summary>
/// <param name="Url">https://host:port/file.</param>
/// <param name="Host">The URL's host (an address, bracketed for IPv6, or a name).</param>
/// <param name="Source">Where the host comes from: an interface name, "--bind", "--host" or "loopback".</param>
/// <param name="Preferred">The one to use (written to sdkconfig by --project).</param>
/// <param name="Reason">Why it is preferred.</param>
public sealed record AdvertisedUrl(string Url, string Host, string Source, bool Preferred, string? Reason);

/// <summary>Which URLs to print: one per LAN address (or per bound address), the most likely first.</summary>
public static class AdvertisedUrls
{
    private static readonly string[] _virtualNames =
        ["docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "cni", "flannel", "podman", "tun", "tap", "utun", "wg", "zt", "tailscale", "vethernet", "hyper-v", "virtualbox", "vmware"];

    /// <summary>This PC's addresses on interfaces that are up, minus loopback and link-local IPv6 (a URL cannot carry a zone index).</summary>
    public static IReadOnlyList<LanAddress> LanAddresses()
    {
        var found = new List<LanAddress>();
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            if (nic.OperationalStatus != OperationalStatus.Up || nic.NetworkInterfaceType == NetworkInterfaceType.Loopback)
            {
                continue;
            }

            IPInterfaceProperties properties;
            try
            {
                properties = nic.GetIPProperties();
            }
            catch (NetworkInformationException)
            {
                continue;
            }

            var gateway = properties.GatewayAddresses.Any(g => !g.Address.Equals(IPAddress.Any) && !g.Address.Equals(IPAddress.IPv6Any));
            var label = (nic.Name + " " + nic.Description).ToLowerInvariant();
            var isVirtual = _virtualNames.Any(v => label.StartsWith(v, StringComparison.Ordinal) || label.Contains(" " + v, StringComparison.Ordinal));
            foreach (var unicast in properties.UnicastAddresses)
            {
                var address = unicast.Address;
                if (IPAddress.IsLoopback(address) || address.IsIPv6LinkLocal || address.IsIPv6Multicast
                    || address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
                {
                    continue;
                }

                found.Add(new LanAddress(address, nic.Name, gateway, isVirtual));
            }
        }

        return found;
    }

    /// <summary>
    /// The URLs for a server: with a wildcard binding, one per LAN address (IPv4 first: it is what ESP-IDF's
    /// examples and most Wi-Fi networks use, and an IPv6 URL hits esp_http_client's unbracketed Host header);
    /// with --bind, one per bound address; then one per --host name. The first is preferred.
    /// </summary>
    /// <param name="bound">The addresses listened on (IPv6Any: dual-stack; Any: IPv4 only).</param>
    /// <param name="port">The port.</param>
    /// <param name="file">The served file the URL names, relative and with forward slashes; null for the folder.</param>
    /// <param name="lan">This PC's LAN addresses (<see cref="LanAddresses"/>).</param>
    /// <param name="hostNames">Extra DNS names (--host).</param>
    public static IReadOnlyList<AdvertisedUrl> For(IReadOnlyList<IPAddress> bound, int port, string? file, IReadOnlyList<LanAddress> lan, IReadOnlyList<string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(bound);
        ArgumentNullException.ThrowIfNull(lan);
        ArgumentNullException.ThrowIfNull(hostNames);
        var path = file is null ? "" : string.Join('/', file.Split('/').Select(Uri.EscapeDataString));
        var candidates = new List<(IPAddress Address, string Source, string? Reason)>();
        var ipv4Only = bound.All(a => a.Equals(IPAddress.Any));
        if (bound.Any(a => a.Equals(IPAddress.IPv6Any) || a.Equals(IPAddress.Any)))
        {
            var ranked = lan
                .Where(l => !ipv4Only || l.Address.AddressFamily == AddressFamily.InterNetwork)
                .OrderByDescending(l => l.HasGateway)
                .ThenBy(l => l.Virtual)
                .ThenBy(l => l.Address.AddressFamily == AddressFamily.InterNetwork ? 0 : 1)
                .ThenBy(l => IsPrivate(l.Address) ? 0 : 1)
                .ToList();
            candidates.AddRange(ranked.Select((l, i) => (l.Address, l.Interface, i == 0 ? PreferredReason(l, ranked.Count) : null)));
            if (candidates.Count == 0)
            {
                candidates.Add((IPAddress.Loopback, "loopback", "no LAN address: only this PC can connect"));
                if (!ipv4Only)
                {
                    candidates.Add((IPAddress.IPv6Loopback, "loopback", null));
                }
            }
        }
        else
        {
            var ordered = bound.OrderBy(a => IPAddress.IsLoopback(a) ? 1 : 0).ThenBy(a => a.AddressFamily == AddressFamily.InterNetwork ? 0 : 1).ToList();
            candidates.AddRange(ordered.Select((a, i) => (a, "--bind", i == 0 ? "the first address it listens on (--bind)" : null)));
        }

        var urls = candidates
            .Select((c, i) => Make(Host(c.Address), c.Source, i == 0, c.Reason))
            .ToList();
        urls.AddRange(hostNames.Select(n => Make(n, "--host", false, null)));
        return urls;

        AdvertisedUrl Make(string host, string source, bool preferred, string? reason) =>
            new($"https://{host}:{port}/{path}", host, source, preferred, reason);
    }

    /// <summary>True when every URL names a loopback address: no device can use them.</summary>
    public static bool LoopbackOnly(IReadOnlyList<AdvertisedUrl> urls) =>
        urls.All(u => IPAddress.TryParse(u.Host.Trim('[', ']'), out var a) && IPAddress.IsLoopback(a));

    private static string Host(IPAddress address) =>
        address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();

    private static string PreferredReason(LanAddress l, int count)
    {
        var family = l.Address.AddressFamily == AddressFamily.InterNetwork ? "IPv4" : "IPv6";
        return count == 1 ? $"the only LAN address ({l.Interface})"
            : l.HasGateway ? $"{family} on {l.Interface}, the interface with the default route"
            : $"{family} on {l.Interface}";
    }

    private static bool IsPrivate(IPAddress address)
    {
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            return address.IsIPv6UniqueLocal;
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168);
    }
}
