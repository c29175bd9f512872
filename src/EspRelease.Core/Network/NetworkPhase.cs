namespace EspRelease.Core.Network;

/// <summary>The steps of one exchange with a server, in the order the device takes them.</summary>
public enum NetworkPhase
{
    /// <summary>Looking up the host name (getaddrinfo on the device).</summary>
    Resolve,

    /// <summary>Opening the TCP connection, over one address family.</summary>
    Connect,

    /// <summary>The TLS handshake.</summary>
    Handshake,

    /// <summary>Sending the request.</summary>
    Request,

    /// <summary>Waiting for and reading the status line and headers.</summary>
    Response,

    /// <summary>Reading the body.</summary>
    Body,
}

public static class NetworkPhaseNames
{
    /// <summary>The stable name used in <c>--json</c> output.</summary>
    public static string ToJsonName(this NetworkPhase phase) => phase switch
    {
        NetworkPhase.Resolve => "resolve",
        NetworkPhase.Connect => "connect",
        NetworkPhase.Handshake => "handshake",
        NetworkPhase.Request => "request",
        NetworkPhase.Response => "response",
        _ => "body",
    };
}
