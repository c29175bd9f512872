using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor;

/// <summary>
/// Checks a finding read from a device log against the project and the live server instead of taking
/// the log's word for it: "not correctly signed" against the chain the server sends now and the CA the
/// build embeds, errno 113 by connecting over each address family, a 403 from Blob Storage by finding
/// the SAS header in the sources and asking the server both ways. Other findings come back unchanged.
/// </summary>
public static class FindingConfirmer
{
    /// <summary>The codes this class can check.</summary>
    public static IReadOnlyList<string> Confirmable { get; } =
        [DiagnosticCodes.DeviceCaNotTrusted, DiagnosticCodes.DeviceHostUnreachable, DiagnosticCodes.DeviceAzureAuthentication];

    /// <returns>
    /// The finding with <see cref="DoctorFinding.Confirmed"/> set and the evidence when the check
    /// reproduced the cause; not confirmed, with what was seen, when it ran and did not; with the reason
    /// in <see cref="DoctorFinding.Evidence"/> when it could not run.
    /// </returns>
    public static async Task<DoctorFinding> ConfirmAsync(DoctorFinding fromLog, DoctorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromLog);
        if (!Confirmable.Contains(fromLog.Code))
        {
            return fromLog;
        }

        var context = DoctorContext.Load(options);
        if (context.Url is null && fromLog.Code != DiagnosticCodes.DeviceAzureAuthentication)
        {
            return fromLog with { Evidence = $"not checked: no firmware URL ({context.UrlMissing})." };
        }

        var check = fromLog.Code switch
        {
            DiagnosticCodes.DeviceCaNotTrusted => await TlsCheck.RunAsync(context, cancellationToken),
            DiagnosticCodes.DeviceHostUnreachable => await ReachabilityCheck.RunAsync(context, cancellationToken),
            _ => await SasCheck.RunAsync(context, live: context.Url is not null, cancellationToken),
        };

        if (check?.Finding is { } found && found.Code == fromLog.Code)
        {
            return fromLog with { Cause = found.Cause, Fix = found.Fix ?? fromLog.Fix, Evidence = found.Evidence, Confirmed = true, File = fromLog.File ?? found.File };
        }

        if (check?.NotChecked is { } why)
        {
            return fromLog with { Evidence = $"not checked: {why.Message}" };
        }

        var seen = check is null ? "the project has no C sources to look in." : check.Finding is { } other ? $"{other.Code}: {other.Cause}" : check.Evidence;
        return fromLog with { Confirmed = false, Evidence = $"checked, and not reproduced now: {seen}" };
    }
}
