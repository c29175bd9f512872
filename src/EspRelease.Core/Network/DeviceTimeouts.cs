namespace EspRelease.Core.Network;

/// <summary>
/// How long each step of one exchange with a server may take. The defaults are the device's own:
/// esp-tls gives a connection 10 s (ESP_TLS_DEFAULT_CONN_TIMEOUT), esp_http_client waits 5 s
/// (timeout_ms) for the first byte of an answer and for each read after it. A server slower than
/// that fails on the device too, so the verdict stays the device's.
/// </summary>
public sealed record DeviceTimeouts
{
    /// <summary>The device's own limits.</summary>
    public static DeviceTimeouts Device { get; } = new();

    /// <summary>Looking the host name up.</summary>
    public TimeSpan Resolve { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>One TCP connection attempt.</summary>
    public TimeSpan Connect { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The TLS handshake.</summary>
    public TimeSpan Handshake { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Sending the request, the first byte of the answer, and each read after it (esp_http_client's timeout_ms).</summary>
    public TimeSpan Response { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The whole body, however steadily it trickles in.</summary>
    public TimeSpan Transfer { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The same limit for every step (<c>--timeout</c>); the whole body still gets at least <see cref="Transfer"/>'s default.</summary>
    public static DeviceTimeouts Each(TimeSpan limit) => new()
    {
        Resolve = limit,
        Connect = limit,
        Handshake = limit,
        Response = limit,
        Transfer = limit > Device.Transfer ? limit : Device.Transfer,
    };
}
