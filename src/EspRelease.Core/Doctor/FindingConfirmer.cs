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
    public static Task<DoctorFinding> ConfirmAsync(DoctorFinding fromLog, DoctorOptions options, CancellationToken cancellationToken) =>
        ConfirmAsync(fromLog, new Checks(options), cancellationToken);

    /// <summary>
    /// <see cref="ConfirmAsync(DoctorFinding, DoctorOptions, CancellationToken)"/> for every finding of a log,
    /// the project and build loaded once and each live check run once, however many findings it answers.
    /// </summary>
    public static async Task<IReadOnlyList<DoctorFinding>> ConfirmAllAsync(IEnumerable<DoctorFinding> fromLog, DoctorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromLog);
        var checks = new Checks(options);
        var confirmed = new List<DoctorFinding>();
        foreach (var finding in fromLog)
        {
            confirmed.Add(await ConfirmAsync(finding, checks, cancellationToken));
        }

        return confirmed;
    }

    private static async Task<DoctorFinding> ConfirmAsync(DoctorFinding fromLog, Checks checks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fromLog);
        // A device that prints only "File not found(403)" (esp_https_ota does, never the XML body) met
        // the same refusal: it is checked as Blob Storage's, and keeps its own code.
        var code = IsForbidden(fromLog) ? DiagnosticCodes.DeviceAzureAuthentication : fromLog.Code;
        if (!Confirmable.Contains(code))
        {
            return fromLog;
        }

        var context = checks.Context;
        if (context.Url is null && code != DiagnosticCodes.DeviceAzureAuthentication)
        {
            return fromLog with { Evidence = $"not checked: no firmware URL ({context.UrlMissing})." };
        }

        var check = await checks.RunAsync(code, cancellationToken);

        if (check?.Finding is { } found && found.Code == code)
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

    private static bool IsForbidden(DoctorFinding finding) =>
        finding.Code == DiagnosticCodes.DeviceHttpStatus && finding.Lines.Any(l => l.Contains("(403)", StringComparison.Ordinal) || l.Contains(" 403", StringComparison.Ordinal));

    // What one doctor run checks against: the project loaded on first use, each check's answer kept by code.
    private sealed class Checks(DoctorOptions options)
    {
        private readonly Dictionary<string, LiveCheck?> _done = new(StringComparer.Ordinal);
        private DoctorContext? _context;

        public DoctorContext Context => _context ??= DoctorContext.Load(options);

        public async Task<LiveCheck?> RunAsync(string code, CancellationToken cancellationToken)
        {
            if (!_done.TryGetValue(code, out var check))
            {
                check = code switch
                {
                    DiagnosticCodes.DeviceCaNotTrusted => await TlsCheck.RunAsync(Context, cancellationToken),
                    DiagnosticCodes.DeviceHostUnreachable => await ReachabilityCheck.RunAsync(Context, cancellationToken),
                    _ => await SasCheck.RunAsync(Context, live: Context.Url is not null, cancellationToken),
                };
                _done[code] = check;
            }

            return check;
        }
    }
}
