namespace EspRelease.Testing;

/// <summary>
/// Reads a $GITHUB_OUTPUT / $GITHUB_ENV file by the runner's rules (actions/runner's file commands):
/// <c>name=value</c> on one line, or <c>name&lt;&lt;DELIMITER</c>, the value's lines, and a line that is
/// exactly DELIMITER. Blank lines between entries are skipped; anything else is malformed and
/// throws, as it fails the step on a real runner.
/// </summary>
public static class GitHubOutputFile
{
    public static Dictionary<string, string> Parse(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals > 0 && (heredoc < 0 || equals < heredoc))
            {
                values[line[..equals]] = line[(equals + 1)..];
                continue;
            }

            if (heredoc <= 0 || heredoc + 2 == line.Length)
            {
                throw new FormatException($"line {i + 1} of the file command is neither name=value nor name<<DELIMITER: \"{line}\"");
            }

            var name = line[..heredoc];
            var delimiter = line[(heredoc + 2)..];
            var value = new List<string>();
            for (i++; ; i++)
            {
                if (i >= lines.Length)
                {
                    throw new FormatException($"the value of \"{name}\" never ends: no line \"{delimiter}\" follows it");
                }

                if (lines[i] == delimiter)
                {
                    break;
                }

                value.Add(lines[i]);
            }

            values[name] = string.Join('\n', value);
        }

        return values;
    }
}
