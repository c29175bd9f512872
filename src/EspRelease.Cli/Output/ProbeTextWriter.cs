using EspRelease.Core.Certificates;
using EspRelease.Core.Doctor;

namespace EspRelease.Cli.Output;

/// <summary>The <c>probe</c> report for people: each check in the order the device meets it, and the device's own line for each problem.</summary>
internal static class ProbeTextWriter
{
    public static void Write(TextWriter o, Uri url, ProbeReport report)
    {
        o.WriteLine($"Probing {ServerProbe.Redact(url)} as the device does:");
        if (report.Manifest is { } m)
        {
            o.WriteLine($"  manifest: {m.Project} {m.Version} for {m.Chip}, channel {m.Channel}, sequence {m.Sequence}{(report.SignedBy is null ? "" : $", signed by {report.SignedBy}")}");
        }

        string? lastUrl = null;
        foreach (var check in report.Checks)
        {
            if (check.Url != lastUrl)
            {
                o.WriteLine($"  {check.Url}");
                lastUrl = check.Url;
            }

            o.WriteLine($"    {(check.Passed ? "ok  " : check.Problem?.Severity == Core.Diagnostics.Severity.Warning ? "warn" : "FAIL")}  {check.Name}: {(check.Passed ? check.Detail : check.Problem?.Code)}");
            foreach (var line in (check.DeviceLog ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                o.WriteLine($"          device: {line}");
            }
        }

        o.WriteLine(report.Ok ? "The device would download and accept this release." : "The device would fail: see the errors below.");
    }
}
