using System.Globalization;
using EspRelease.Core.Doctor;

namespace EspRelease.Cli.Output;

/// <summary>The <c>doctor</c> report for a person: each cause with the device's own lines and the fix, then what it could not explain.</summary>
internal static class DoctorTextWriter
{
    public static void Write(TextWriter stdout, DoctorReport report, string origin)
    {
        foreach (var f in report.Findings)
        {
            var times = f.Count > 1 ? string.Create(CultureInfo.InvariantCulture, $" ×{f.Count}") : "";
            stdout.WriteLine($"{f.Code}{times}: {f.Cause}");
            foreach (var line in f.Lines)
            {
                stdout.WriteLine($"    {line}");
            }

            if (f.Evidence is not null)
            {
                stdout.WriteLine($"  evidence: {f.Evidence}");
            }

            if (f.Fix is not null)
            {
                stdout.WriteLine($"  fix: {f.Fix}");
            }

            stdout.WriteLine();
        }

        if (report.Unexplained.Count > 0)
        {
            stdout.WriteLine("Not explained:");
            foreach (var line in report.Unexplained)
            {
                stdout.WriteLine($"    {line}");
            }

            stdout.WriteLine();
        }

        foreach (var d in report.NotChecked)
        {
            stdout.WriteLine($"not checked: {d.Message}");
        }

        foreach (var skipped in report.Skipped)
        {
            stdout.WriteLine($"skipped: {skipped}");
        }

        var failures = report.Findings.Count(f => f.Severity == Core.Diagnostics.Severity.Error);
        var warnings = report.Findings.Count - failures;
        stdout.WriteLine(report.Findings.Count == 0
            ? $"{origin}: no OTA failure found{(report.Unexplained.Count > 0 ? $"; {Lines(report.Unexplained.Count)} not explained (above)" : "")}."
            : $"{origin}: {Plural(failures, "failure")}{(warnings > 0 ? $" and {Plural(warnings, "warning")}" : "")} found{(report.Unexplained.Count > 0 ? $", {Lines(report.Unexplained.Count)} not explained" : "")}.");
    }

    private static string Lines(int n) => Plural(n, "line");

    private static string Plural(int n, string word) => string.Create(CultureInfo.InvariantCulture, $"{n} {word}{(n == 1 ? "" : "s")}");
}
