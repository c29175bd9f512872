using System.Globalization;
using System.Text;

namespace EspRelease.Core.IO;

/// <summary>
/// Paths that come from inside a file (app_bin in project_description.json, "file" in flasher_args.json,
/// "key" in esp-release.json, a manifest's firmware.path): the one place that decides whether such a
/// string can name a file on this OS at all, before anything hands it to the file system (which answers
/// a NUL with an ArgumentException, not an error a user can act on).
/// </summary>
public static class InputPath
{
    // Unix refuses only NUL; Windows also refuses control characters, quotes, <, >, | (and ?, * are wildcards there).
    private static readonly char[] _refused = OperatingSystem.IsWindows() ? [.. Path.GetInvalidPathChars(), '*', '?'] : ['\0'];

    /// <summary>Why <paramref name="value"/> cannot be a path here ("it holds a NUL character …"), or null when it can.</summary>
    public static string? Problem(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length == 0)
        {
            return "it is empty";
        }

        var bad = value.IndexOfAny(_refused);
        return bad < 0 ? null
            : string.Create(CultureInfo.InvariantCulture, $"it holds {DescribeCharacter(value[bad])} at character {bad + 1}, which no path on this system may contain");
    }

    /// <summary>
    /// <paramref name="value"/> resolved against <paramref name="baseDirectory"/> when it can name a file;
    /// otherwise false with <paramref name="problem"/> saying why (for the reader's own typed error).
    /// </summary>
    public static bool TryResolve(string baseDirectory, string value, out string fullPath, out string problem)
    {
        fullPath = "";
        problem = Problem(value) ?? "";
        if (problem.Length > 0)
        {
            return false;
        }

        try
        {
            fullPath = Path.GetFullPath(value, baseDirectory);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            problem = $"the system does not accept it as a path ({e.Message.TrimEnd('.')})";
            return false;
        }
    }

    /// <summary>A string from a file as a message may show it: quoted, with control characters escaped and long values cut.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        const int Shown = 120;
        var shown = value.Length > Shown ? value[..Shown] : value;
        var sb = new StringBuilder("\"");
        for (var i = 0; i < shown.Length; i++)
        {
            var c = shown[i];
            if (char.IsHighSurrogate(c) && i + 1 < shown.Length && char.IsLowSurrogate(shown[i + 1]))
            {
                sb.Append(c).Append(shown[++i]);
                continue;
            }

            _ = c switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                < ' ' or '\u007f' or (>= '\ud800' and <= '\udfff') => sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:x4}"),
                _ => sb.Append(c),
            };
        }

        sb.Append('"');
        return value.Length > Shown ? sb.Append(CultureInfo.InvariantCulture, $" (… {value.Length} characters)").ToString() : sb.ToString();
    }

    private static string DescribeCharacter(char c) => c == '\0'
        ? "a NUL character (\\u0000)"
        : string.Create(CultureInfo.InvariantCulture, $"the character {(c < ' ' ? $"\\u{(int)c:x4}" : $"'{c}'")}");
}
