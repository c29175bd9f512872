using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor;

/// <summary>
/// One OTA failure of the device, explained: read from its serial log (the lines matched, repeated
/// attempts counted once) or predicted from the project (the line the device would print). The
/// code names the cause and is the same either way (ESPR196x-199x errors, ESPR296x-299x warnings).
/// </summary>
public sealed record DoctorFinding
{
    public required string Code { get; init; }

    public required Severity Severity { get; init; }

    /// <summary>The cause, in one sentence.</summary>
    public required string Cause { get; init; }

    /// <summary>The fix, as a command of this tool where one exists.</summary>
    public string? Fix { get; init; }

    /// <summary>The device's log lines: those matched (from a log), or the one it would print (predicted).</summary>
    public IReadOnlyList<string> Lines { get; init; } = [];

    /// <summary>What was checked against the project or the live server, and what was found; null when the log alone tells.</summary>
    public string? Evidence { get; init; }

    /// <summary>How many times the device met it (each OTA attempt of a log counts once).</summary>
    public int Count { get; init; } = 1;

    /// <summary>True when predicted from the project before flashing, not read from a log.</summary>
    public bool Predicted { get; init; }

    /// <summary>True when the cause was checked (live or in the project), not only read from the log's words.</summary>
    public bool Confirmed { get; init; }

    /// <summary>The file the finding concerns (the log, the sdkconfig, the CA file), for annotations.</summary>
    public string? File { get; init; }

    /// <summary>The 1-based line of <see cref="File"/> where it first shows (a log's first matched line), for annotations.</summary>
    public int? Line { get; init; }

    public Diagnostic ToDiagnostic() =>
        new(Code, Severity, Fix is null ? Cause : $"{Cause} Fix: {Fix}", File) { Line = Line, DeviceLog = Lines.Count > 0 ? string.Join('\n', Lines) : null };
}
