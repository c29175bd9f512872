namespace EspRelease.Core.Diagnostics;

/// <summary>Why an operation stopped: the caller's input, a refusal on content, or the host.</summary>
public enum FailureKind
{
    /// <summary>The command line or a path is wrong (exit 1).</summary>
    Usage,

    /// <summary>The release was refused or failed validation (exit 2).</summary>
    Refused,

    /// <summary>The host could not be read or written (exit 3).</summary>
    Host,
}

/// <summary>
/// A typed error from the release pipeline. It carries one <see cref="Diagnostic"/> already phrased
/// for the user (file or URL, expected, found, fix), so faces print it as is, without a stack trace.
/// </summary>
public sealed class EspReleaseException : Exception
{
    public EspReleaseException(Diagnostic diagnostic, FailureKind kind = FailureKind.Refused, Exception? inner = null)
        : this([diagnostic], kind, inner)
    {
    }

    /// <summary>A refusal with several findings (e.g. every error a build failed validation with).</summary>
    public EspReleaseException(IReadOnlyList<Diagnostic> diagnostics, FailureKind kind = FailureKind.Refused, Exception? inner = null)
        : base(diagnostics[0].Message, inner)
    {
        Diagnostics = diagnostics;
        Kind = kind;
    }

    public EspReleaseException(string code, string message, string? file = null, FailureKind kind = FailureKind.Refused, Exception? inner = null)
        : this(new Diagnostic(code, Severity.Error, message, file), kind, inner)
    {
    }

    /// <summary>The first (main) finding.</summary>
    public Diagnostic Diagnostic => Diagnostics[0];

    /// <summary>Every finding, errors and any warnings met before the refusal.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics { get; }

    public FailureKind Kind { get; }
}
