namespace EspRelease.Core.Diagnostics;

/// <summary>How bad a finding is: errors refuse a release, warnings are shown and let it through.</summary>
public enum Severity
{
    Warning,
    Error,
}

/// <summary>
/// One finding about an input, phrased for the person who has to fix it: the file it concerns,
/// what was expected, what was found, and what to do. <see cref="Code"/> is stable
/// (<c>ESPR1xxx</c> errors, <c>ESPR2xxx</c> warnings) so scripts and MSBuild can key on it.
/// </summary>
public sealed record Diagnostic(string Code, Severity Severity, string Message, string? File = null)
{
    /// <summary>The 1-based line of <see cref="File"/> the finding is about, when it is a text file and the line is known.</summary>
    public int? Line { get; init; }

    /// <summary>The lines the device would log meeting the same problem (one per line), when it logs something telling.</summary>
    public string? DeviceLog { get; init; }

    /// <summary>For a failure talking to a server: the step it failed at (<c>connect</c>, <c>handshake</c>, <c>response</c>…).</summary>
    public string? Phase { get; init; }

    /// <summary>For a failure talking to a server: the address and port it talked to.</summary>
    public string? Address { get; init; }
}
