namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// GITHUB_OUTPUT and GITHUB_ENV as the runner reads them: <c>name=value</c> lines, and
/// <c>name&lt;&lt;DELIMITER</c> … <c>DELIMITER</c> blocks whose lines form the value. Anything else,
/// or a block never closed, is an error (the runner fails the step), thrown here.
/// </summary>
public static class FileCommands
{
    public static List<KeyValuePair<string, string>> Parse(string path)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (!File.Exists(path))
        {
            return result;
        }

        var lines = File.ReadAllText(path).Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        if (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i];
            if (line.Length == 0)
            {
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            var heredoc = line.IndexOf("<<", StringComparison.Ordinal);
            if (equals >= 0 && (heredoc < 0 || equals < heredoc))
            {
                var name = line[..equals];
                Check(name.Length > 0, path, i, line, "no name before '='");
                result.Add(new(name, line[(equals + 1)..]));
            }
            else if (heredoc >= 0)
            {
                var name = line[..heredoc];
                var delimiter = line[(heredoc + 2)..];
                Check(name.Length > 0 && delimiter.Length > 0, path, i, line, "name<<DELIMITER needs both");
                var end = lines.FindIndex(i + 1, l => l == delimiter);
                Check(end > i, path, i, line, $"the delimiter '{delimiter}' never comes");
                result.Add(new(name, string.Join('\n', lines.GetRange(i + 1, end - i - 1))));
                i = end;
            }
            else
            {
                Check(false, path, i, line, "neither name=value nor name<<DELIMITER");
            }
        }

        return result;
    }

    private static void Check(bool ok, string path, int index, string line, string why)
    {
        if (!ok)
        {
            throw new InvalidDataException($"{path}, line {index + 1} '{line}': {why} (the runner fails the step on this)");
        }
    }
}
