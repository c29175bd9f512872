using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>
/// Writes diagnostics to stderr in the format the caller asked for; results go to stdout. It keeps
/// what it wrote, so a GitHub step summary can list the same warnings and errors.
/// </summary>
/// <param name="error">Where diagnostics go: stderr.</param>
/// <param name="format">text, msbuild or github.</param>
/// <param name="workspace">GitHub's checkout (<c>GITHUB_WORKSPACE</c>): annotations name files relative to it, or GitHub cannot place them.</param>
internal sealed class DiagnosticWriter(TextWriter error, DiagnosticsFormat format, string? workspace = null)
{
    private readonly List<Diagnostic> _written = [];

    public DiagnosticsFormat Format => format;

    /// <summary>Every diagnostic written so far, in order.</summary>
    public IReadOnlyList<Diagnostic> Written => _written;

    /// <summary>The writer a command uses: GitHub's workspace taken from the environment the runner sets.</summary>
    public static DiagnosticWriter For(TextWriter error, DiagnosticsFormat format) =>
        new(error, format, format == DiagnosticsFormat.GitHub ? Environment.GetEnvironmentVariable("GITHUB_WORKSPACE") : null);

    public void Write(Diagnostic d)
    {
        _written.Add(d);
        var level = d.Severity == Severity.Error ? "error" : "warning";
        // A URL is no origin MSBuild can parse (its colons break the canonical form) nor a file GitHub
        // can annotate; the message names it anyway.
        var file = d.File is not null && d.File.Contains("://", StringComparison.Ordinal) ? null : d.File;
        switch (format)
        {
            case DiagnosticsFormat.MSBuild:
                // Canonical MSBuild form, which ToolTask/Exec turn into real build errors with the file attached.
                var origin = file is null ? "esp-release" : d.Line is { } line ? $"{file}({line})" : file;
                error.WriteLine($"{origin} : {level} {d.Code}: {MSBuildProperties.Annotate(OneLine(d.Message))}");
                break;
            case DiagnosticsFormat.GitHub:
                error.WriteLine(GitHubWorkflow.Annotation(level, d, file is null ? null : GitHubWorkflow.WorkspaceRelative(file, workspace)));
                break;
            default:
                error.WriteLine($"{level} {d.Code}: {d.Message}");
                break;
        }
    }

    public void WriteAll(IEnumerable<Diagnostic> diagnostics)
    {
        foreach (var d in diagnostics)
        {
            Write(d);
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");
}
