using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>Writes diagnostics to stderr in the format the caller asked for; results go to stdout.</summary>
internal sealed class DiagnosticWriter(TextWriter error, DiagnosticsFormat format)
{
    public void Write(Diagnostic d)
    {
        var level = d.Severity == Severity.Error ? "error" : "warning";
        switch (format)
        {
            case DiagnosticsFormat.MSBuild:
                // Canonical MSBuild form, which ToolTask/Exec turn into real build errors with the file attached.
                error.WriteLine($"{d.File ?? "esp-release"} : {level} {d.Code}: {MSBuildProperties.Annotate(OneLine(d.Message))}");
                break;
            case DiagnosticsFormat.GitHub:
                var file = d.File is null ? "" : $" file={d.File}";
                error.WriteLine($"::{level}{file},title={d.Code}::{OneLine(d.Message)}");
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
