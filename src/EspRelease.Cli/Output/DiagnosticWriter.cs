using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>Writes diagnostics to stderr in the format the caller asked for; results go to stdout.</summary>
internal sealed class DiagnosticWriter(TextWriter error, DiagnosticsFormat format)
{
    public void Write(Diagnostic d)
    {
        var level = d.Severity == Severity.Error ? "error" : "warning";
        // A URL is no origin MSBuild can parse (its colons break the canonical form) nor a file GitHub
        // can annotate; the message names it anyway.
        var file = d.File is not null && d.File.Contains("://", StringComparison.Ordinal) ? null : d.File;
        switch (format)
        {
            case DiagnosticsFormat.MSBuild:
                // Canonical MSBuild form, which ToolTask/Exec turn into real build errors with the file attached.
                error.WriteLine($"{file ?? "esp-release"} : {level} {d.Code}: {MSBuildProperties.Annotate(OneLine(d.Message))}");
                break;
            case DiagnosticsFormat.GitHub:
                // "::error file=F,title=T::message": the parameters after one space, separated by commas.
                error.WriteLine($"::{level} {(file is null ? "" : $"file={file},")}title={d.Code}::{OneLine(d.Message)}");
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
