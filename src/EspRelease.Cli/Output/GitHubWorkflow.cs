using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>
/// GitHub Actions' workflow commands, written as the runner parses them (actions/toolkit's command
/// escaping): annotations on files, and <c>::add-mask::</c> for a secret the tool is about to print.
/// </summary>
internal static class GitHubWorkflow
{
    /// <summary><c>::error file=F,line=N,title=ESPR1234::message</c>; the file relative to the workspace.</summary>
    public static string Annotation(string level, Diagnostic d, string? file)
    {
        var properties = new List<string>();
        if (file is not null)
        {
            properties.Add("file=" + EscapeProperty(file));
            if (d.Line is { } line)
            {
                properties.Add("line=" + line.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        properties.Add("title=" + EscapeProperty(d.Code));
        return $"::{level} {string.Join(',', properties)}::{EscapeData(d.Message)}";
    }

    /// <summary>
    /// Registers a secret with the runner before it is printed: the runner masks it in every later
    /// line of the log. A multi-line secret is masked line by line, as the runner only masks single lines.
    /// </summary>
    public static void Mask(TextWriter output, string secret)
    {
        foreach (var line in secret.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim().Length > 0)
            {
                output.WriteLine("::add-mask::" + EscapeData(line.Trim()));
            }
        }
    }

    /// <summary>A path as GitHub places annotations: relative to the checkout, with forward slashes; other paths stay whole.</summary>
    public static string WorkspaceRelative(string file, string? workspace)
    {
        if (string.IsNullOrEmpty(workspace))
        {
            return file;
        }

        var full = Path.GetFullPath(file);
        var relative = Path.GetRelativePath(Path.GetFullPath(workspace), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? file
            : relative.Replace('\\', '/');
    }

    // The runner decodes %25, %0D and %0A in a command's message, and also %3A and %2C in its properties,
    // where ':' would end the properties and ',' separate them.
    public static string EscapeData(string s) => s.Replace("%", "%25").Replace("\r", "%0D").Replace("\n", "%0A");

    public static string EscapeProperty(string s) => EscapeData(s).Replace(":", "%3A").Replace(",", "%2C");
}
