using System.Net;
using System.Net.Sockets;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Network;

namespace EspRelease.Core.Doctor;

/// <summary>
/// Connects to the URL's port the way the device does (the first IPv4 address the host resolves to,
/// else IPv6), and, when that fails, over the other address family separately: a server listening on
/// [::1] only while the URL says 127.0.0.1 is the story's errno 113, said with the family that listens.
/// A port that nothing listens on is a server that is down: not checked, never a guess.
/// </summary>
internal static class ReachabilityCheck
{
    public static async Task<LiveCheck> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var url = context.Url!;
        var timeouts = context.Options.Timeouts;
        IReadOnlyList<IPAddress> addresses;
        try
        {
            addresses = await DeviceSocket.ResolveAsync(url, url.IdnHost.Trim('[', ']'), timeouts.Resolve, cancellationToken);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            return LiveCheck.CouldNotRun(e.Diagnostic);
        }

        var target = new IPEndPoint(addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses[0], url.Port);
        var family = NetworkError.Family(target.Address);
        var (socket, error) = await DeviceSocket.TryConnectAsync(target, timeouts.Connect, cancellationToken);
        if (socket is not null)
        {
            socket.Dispose();
            return LiveCheck.Passed($"{NetworkError.Format(target)} accepts a connection over {family}, the family the device uses for this URL.");
        }

        var other = await DeviceSocket.OtherFamilyListenerAsync(target, addresses, cancellationToken);
        if (other is null)
        {
            return LiveCheck.CouldNotRun(DeviceSocket.Refused(url, target, error!.Value, timeouts.Connect).Diagnostic);
        }

        var wrong = DeviceSocket.WrongFamily(url, target, other).Diagnostic;
        var otherFamily = NetworkError.Family(other.Address);
        return LiveCheck.Failed(new DoctorFinding
        {
            // An IPv4 URL meets dropped SYNs (errno 113); an IPv6 one an answered reset.
            Code = family == "IPv4" ? DiagnosticCodes.DeviceHostUnreachable : DiagnosticCodes.DeviceConnectionReset,
            Severity = Severity.Error,
            Cause = wrong.Message,
            Fix = family == "IPv4"
                ? $"Make the server listen on IPv4 too (`openssl s_server … -accept 0.0.0.0:{target.Port}`, or -4), or run `dotnet esp-release serve`, which listens on both families."
                : $"Make the server listen on IPv6 too (`-accept [::]:{target.Port}`), or put the server's IPv4 address in the URL.",
            Lines = wrong.DeviceLog?.Split('\n') ?? [],
            Evidence = $"connected over each family separately: {family} {NetworkError.Format(target)} failed ({error}); {otherFamily} {NetworkError.Format(other)} accepted. Only {otherFamily} listens on port {target.Port}.",
            Predicted = true,
            Confirmed = true,
        });
    }
}
