using System;
using System.Globalization;
using System.IO;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EspRelease.MSBuild.Tasks;

/// <summary>Reads the tool's <c>--results-file</c>: <c>Name=Value</c> lines (netstandard2.0 has no JSON parser to spare).</summary>
public static class ToolResults
{
    /// <summary>One item: its spec is the value of <paramref name="key"/>, its metadata every line of the file.</summary>
    public static ITaskItem Read(string path, string key)
    {
        var item = new TaskItem("-");
        foreach (var line in File.ReadAllLines(path))
        {
            var equals = line.IndexOf('=');
            if (equals <= 0)
            {
                continue;
            }

            var name = line.Substring(0, equals);
            var value = line.Substring(equals + 1);
            item.SetMetadata(name, Escape(value));
            if (string.Equals(name, key, StringComparison.Ordinal))
            {
                item.ItemSpec = Escape(value);
            }
        }

        return item;
    }

    // TaskItem holds escaped text: '%', '$', '@', '\'', '*' and '?' in a path or URL must stay literal.
    // ';' is left alone on purpose: list-valued results (ChangedFiles) are ';'-separated.
    private static string Escape(string value)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '%' or '$' or '@' or '\'' or '*' or '?' or '(' or ')')
            {
                text.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
