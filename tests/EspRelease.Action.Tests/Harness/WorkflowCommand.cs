namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// A workflow command line (<c>::name key=value,key=value::data</c>) parsed as the runner parses it:
/// the properties after the first space, split at commas and at their first '=', then unescaped
/// (<c>%25 %0D %0A %3A %2C</c> in properties, <c>%25 %0D %0A</c> in the data).
/// </summary>
public sealed record WorkflowCommand(string Name, IReadOnlyDictionary<string, string> Properties, string Data, string Line)
{
    public static WorkflowCommand? TryParse(string line)
    {
        var trimmed = line.TrimStart();
        if (!trimmed.StartsWith("::", StringComparison.Ordinal))
        {
            return null;
        }

        var end = trimmed.IndexOf("::", 2, StringComparison.Ordinal);
        if (end < 0)
        {
            return null;
        }

        var info = trimmed[2..end];
        var space = info.IndexOf(' ', StringComparison.Ordinal);
        var name = space < 0 ? info : info[..space];
        var properties = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (space >= 0)
        {
            foreach (var pair in info[(space + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals > 0)
                {
                    properties[pair[..equals]] = UnescapeProperty(pair[(equals + 1)..]);
                }
            }
        }

        return new WorkflowCommand(name, properties, UnescapeData(trimmed[(end + 2)..]), line);
    }

    public static string UnescapeData(string s) =>
        s.Replace("%0D", "\r", StringComparison.Ordinal).Replace("%0A", "\n", StringComparison.Ordinal).Replace("%25", "%", StringComparison.Ordinal);

    public static string UnescapeProperty(string s) =>
        UnescapeData(s).Replace("%3A", ":", StringComparison.Ordinal).Replace("%2C", ",", StringComparison.Ordinal);
}
