using System.Globalization;
using System.Text;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>
/// What a verb leaves for the GitHub Actions step that ran it, with <c>--diagnostics-format github</c>:
/// step outputs in <c>$GITHUB_OUTPUT</c> (the heredoc form, safe for any value) and a Markdown summary
/// in <c>$GITHUB_STEP_SUMMARY</c>, on success and on failure alike. Both files are appended to, as
/// the runner expects; values that hold a secret never reach the results (the device URL is redacted).
/// </summary>
internal static class GitHubStepResults
{
    // The result names the MSBuild tasks read, as the step outputs the action documents.
    private static readonly Dictionary<string, string> _outputNames = new(StringComparer.Ordinal)
    {
        ["ReleaseDirectory"] = "release-dir",
        ["ManifestJws"] = "manifest",
        ["BuildDirectory"] = "build-dir",
    };

    // The release table of the summary: result name, row title, shown as code.
    private static readonly (string Key, string Title, bool Code)[] _rows =
    [
        ("Project", "Project", true),
        ("Version", "Version", true),
        ("Chip", "Chip", false),
        ("Size", "Size", false),
        ("Sha256", "SHA-256", true),
        ("Channel", "Channel", false),
        ("Sequence", "Pointer sequence", false),
        ("RolloutPercent", "Rollout (% of devices)", false),
        ("DeviceUrl", "Device URL", false),
        ("KeyId", "Key id", true),
        ("Tag", "Tag", true),
        ("Height", "Commits since the tag", false),
    ];

    /// <summary>Writes both files when the runner named them; does nothing outside GitHub Actions.</summary>
    public static void Write(string verb, int exitCode, IReadOnlyDictionary<string, string?> results, IReadOnlyList<Diagnostic> diagnostics)
    {
        if (Environment.GetEnvironmentVariable("GITHUB_OUTPUT") is { Length: > 0 } outputFile)
        {
            File.AppendAllText(outputFile, Outputs(exitCode, results, diagnostics), Encoding.UTF8);
        }

        if (Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY") is { Length: > 0 } summaryFile)
        {
            File.AppendAllText(summaryFile, Summary(verb, exitCode, results, diagnostics), Encoding.UTF8);
        }
    }

    /// <summary><see cref="Write"/>, and a warning instead of a failure when the runner's files cannot be written.</summary>
    public static void WriteOrWarn(TextWriter stderr, string verb, int exitCode, IReadOnlyDictionary<string, string?> results, IReadOnlyList<Diagnostic> diagnostics)
    {
        try
        {
            Write(verb, exitCode, results, diagnostics);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"::warning title=esp-release::{GitHubWorkflow.EscapeData($"could not write the step's outputs or summary ($GITHUB_OUTPUT, $GITHUB_STEP_SUMMARY): {e.Message}")}");
        }
    }

    /// <summary>Every output as <c>name&lt;&lt;delimiter</c>, the value, the delimiter: a value may hold any character.</summary>
    public static string Outputs(int exitCode, IReadOnlyDictionary<string, string?> results, IReadOnlyList<Diagnostic> diagnostics)
    {
        var text = new StringBuilder();
        void Add(string name, string value)
        {
            // A fresh random delimiter per value, as actions/toolkit does; a value holding it cannot end early.
            var delimiter = "ghadelimiter_" + Guid.NewGuid().ToString("N");
            text.Append(name).Append("<<").Append(delimiter).Append('\n')
                .Append(value.ReplaceLineEndings("\n")).Append('\n')
                .Append(delimiter).Append('\n');
        }

        Add("ok", exitCode == 0 ? "true" : "false");
        Add("exit-code", exitCode.ToString(CultureInfo.InvariantCulture));
        foreach (var (key, value) in results)
        {
            if (value is not null)
            {
                Add(OutputName(key), value);
            }
        }

        if (diagnostics.FirstOrDefault(d => d.Severity == Severity.Error) is { } error)
        {
            Add("error", $"{error.Code}: {error.Message}");
        }

        return text.ToString();
    }

    public static string Summary(string verb, int exitCode, IReadOnlyDictionary<string, string?> results, IReadOnlyList<Diagnostic> diagnostics)
    {
        var md = new StringBuilder();
        var what = string.Join(' ', new[] { Value(results, "Project"), Value(results, "Version") }.Where(v => v is not null));
        md.Append("## esp-release ").Append(verb).Append(what.Length > 0 ? ": " + Cell(what) : "").Append("\n\n");
        md.Append(exitCode == 0 ? "✅ Succeeded" : $"❌ Failed: {Outcome(exitCode)} (exit code {exitCode})").Append("\n\n");

        var rows = _rows.Where(r => Value(results, r.Key) is not null).ToList();
        if (rows.Count > 0)
        {
            md.Append("| | |\n| --- | --- |\n");
            foreach (var (key, title, code) in rows)
            {
                var value = key == "Size" && long.TryParse(results[key], out var bytes) ? $"{bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes" : results[key]!;
                md.Append("| ").Append(title).Append(" | ").Append(code ? $"`{value}`" : Cell(value)).Append(" |\n");
            }

            md.Append('\n');
        }

        List(md, "Errors", diagnostics.Where(d => d.Severity == Severity.Error));
        List(md, "Warnings", diagnostics.Where(d => d.Severity == Severity.Warning));
        return md.ToString();
    }

    private static void List(StringBuilder md, string title, IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        if (list.Count == 0)
        {
            return;
        }

        md.Append("**").Append(title).Append("**\n\n");
        foreach (var d in list)
        {
            md.Append("- `").Append(d.Code).Append("` ").Append(Cell(d.Message)).Append('\n');
        }

        md.Append('\n');
    }

    private static string Outcome(int exitCode) => exitCode switch
    {
        1 => "usage error",
        2 => "refused: the input or the release failed a check",
        3 => "host or network failure",
        70 => "internal error in esp-release",
        _ => "stopped",
    };

    private static string? Value(IReadOnlyDictionary<string, string?> results, string key) =>
        results.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    // One table cell or list item: no line breaks, no '|' column breaks, no HTML.
    private static string Cell(string s) =>
        s.ReplaceLineEndings(" ").Replace("|", "\\|").Replace("<", "&lt;").Replace(">", "&gt;");

    /// <summary>"ReleaseDirectory" → "release-dir"; otherwise PascalCase → kebab-case ("KeyId" → "key-id").</summary>
    internal static string OutputName(string key)
    {
        if (_outputNames.TryGetValue(key, out var name))
        {
            return name;
        }

        var kebab = new StringBuilder();
        foreach (var c in key)
        {
            if (char.IsUpper(c) && kebab.Length > 0)
            {
                kebab.Append('-');
            }

            kebab.Append(char.ToLowerInvariant(c));
        }

        return kebab.ToString();
    }
}
