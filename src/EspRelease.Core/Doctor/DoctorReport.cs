using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor;

/// <summary>What the doctor found: the failures explained, the log lines it could not explain, and the checks it could not run.</summary>
public sealed class DoctorReport
{
    public List<DoctorFinding> Findings { get; } = [];

    /// <summary>Log lines that look like a failure (an error line, a tag of the OTA path) but that no rule explains: said, never guessed at.</summary>
    public List<string> Unexplained { get; } = [];

    /// <summary>Checks that could not run (the server could not be reached, no project given): exit 3 when nothing else failed.</summary>
    public List<Diagnostic> NotChecked { get; } = [];

    /// <summary>Checks that did not apply and why (no URL known, no build directory): said so the silence is not read as a pass; not a failure.</summary>
    public List<string> Skipped { get; } = [];

    public bool FailureFound => Findings.Any(f => f.Severity == Severity.Error);
}
