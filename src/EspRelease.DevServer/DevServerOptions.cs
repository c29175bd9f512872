using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace EspRelease.DevServer;

/// <summary>What <see cref="DevServer.StartAsync"/> serves, where, and with which certificate.</summary>
public sealed class DevServerOptions
{
    /// <summary>The folder whose files are served (GET and HEAD, no listing).</summary>
    public required string RootDirectory { get; init; }

    /// <summary>The TCP port; 0 picks a free one (every bound address then shares it).</summary>
    public int Port { get; init; } = DevServer.DefaultPort;

    /// <summary>
    /// The addresses to listen on. Empty: every address, IPv4 and IPv6 on one dual-stack socket
    /// (<c>[::]</c> with IPV6_V6ONLY off), the binding that avoids the "errno 113" of an IPv6-only listener.
    /// </summary>
    public IReadOnlyList<IPAddress> BindAddresses { get; init; } = [];

    /// <summary>The server certificate, with its private key (issued by the development CA).</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Receives one entry per request and per failed TLS handshake, from Kestrel's threads.</summary>
    public required Action<DevServerLogEntry> Log { get; init; }

    /// <summary>How long a client may take to finish the TLS handshake (esp-tls gives up after its own timeout first).</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock for log times (tests pin it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
