using System.Net;

namespace EspRelease.DevServer;

/// <summary>Client addresses as people expect to read them.</summary>
public static class ClientAddress
{
    /// <summary>
    /// An IPv4 client on the dual-stack socket arrives as <c>::ffff:a.b.c.d</c>; this gives back <c>a.b.c.d</c>,
    /// the address the device prints in its own log.
    /// </summary>
    public static IPAddress? Normalize(IPAddress? address) =>
        address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address;
}
