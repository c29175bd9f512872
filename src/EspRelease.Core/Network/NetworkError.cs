using System.Net;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Network;

/// <summary>
/// Builds the typed error for a failed exchange: the URL (its query redacted), the step and the
/// address it failed at, what happened, what the device would log meeting the same server, and
/// the fix. Always <see cref="FailureKind.Host"/> (exit 3).
/// </summary>
internal static class NetworkError
{
    /// <param name="code">The diagnostic code.</param>
    /// <param name="phase">The step that failed.</param>
    /// <param name="url">The URL being fetched.</param>
    /// <param name="address">The address talked to, when one was reached or tried.</param>
    /// <param name="what">What happened, as a sentence (or several), without the URL.</param>
    /// <param name="deviceLog">The device's log lines for the same failure.</param>
    /// <param name="fix">What to do.</param>
    /// <param name="inner">What .NET threw, kept for debugging; never shown.</param>
    public static EspReleaseException Create(string code, NetworkPhase phase, Uri url, EndPoint? address, string what, IReadOnlyList<string> deviceLog, string fix, Exception? inner = null)
    {
        var redacted = ServerProbe.Redact(url);
        var log = deviceLog.Count == 0 ? "" : $" The device would log {string.Join(" and ", deviceLog.Select(l => $"\"{l}\""))}.";
        return new EspReleaseException(
            new Diagnostic(code, Severity.Error, $"{redacted}: {what}{log} {fix}", redacted)
            {
                Phase = phase.ToJsonName(),
                Address = address is null ? null : Format(address),
                DeviceLog = deviceLog.Count == 0 ? null : string.Join("\n", deviceLog),
            },
            FailureKind.Host,
            inner);
    }

    /// <summary><c>127.0.0.1:8070</c>, <c>[::1]:8070</c>; an IPv4 address mapped into IPv6 is shown as IPv4.</summary>
    public static string Format(EndPoint endpoint) => endpoint switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => new IPEndPoint(ip.Address.MapToIPv4(), ip.Port).ToString(),
        _ => endpoint.ToString() ?? "",
    };

    /// <summary>"IPv4" or "IPv6".</summary>
    public static string Family(IPAddress address) => address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !address.IsIPv4MappedToIPv6 ? "IPv6" : "IPv4";

    public static string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.#", System.Globalization.CultureInfo.InvariantCulture) + " s";
}
