using System.Text;
using EspRelease.Core.IO;

namespace EspRelease.Core.Sdkconfig;

/// <summary>A <c>config NAME</c> entry of a Kconfig file.</summary>
/// <param name="Name">The symbol name, without <c>CONFIG_</c>.</param>
/// <param name="Type">bool, tristate, string, int, hex or float; null when the entry gives none.</param>
/// <param name="Prompt">The prompt menuconfig shows; null for a promptless symbol.</param>
/// <param name="Default">
/// The first <c>default</c>, when it has no <c>if</c> condition (strings unquoted); null when there is
/// none or the first one is conditional (then the value depends on other options).
/// </param>
/// <param name="File">The Kconfig file.</param>
/// <param name="Line">The 1-based line of <c>config NAME</c>.</param>
public sealed record KconfigSymbol(string Name, string? Type, string? Prompt, string? Default, string File, int Line);

/// <summary>
/// A small reader for the Kconfig files a project brings (<c>main/Kconfig.projbuild</c>, component
/// <c>Kconfig</c>/<c>Kconfig.projbuild</c>): enough to know each <c>config</c> symbol's type, prompt and
/// plain default. Help texts are skipped by indentation as Kconfig does; menus, choices and conditions
/// are not evaluated.
/// </summary>
public static class KconfigFile
{
    private static readonly string[] _types = ["bool", "tristate", "string", "int", "hex", "float"];

    public static IReadOnlyList<KconfigSymbol> Read(string path)
    {
        var full = Path.GetFullPath(path);
        return Parse(InputFile.ReadAllText(full), full);
    }

    /// <param name="text">The Kconfig source.</param>
    /// <param name="path">The file name to record in each symbol.</param>
    public static IReadOnlyList<KconfigSymbol> Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var symbols = new List<KconfigSymbol>();
        var lines = text.ReplaceLineEndings("\n").Split('\n');
        Builder? current = null;
        var helpKeywordIndent = -1;
        var helpIndent = -1;

        for (var i = 0; i < lines.Length; i++)
        {
            var raw = lines[i];
            if (helpKeywordIndent >= 0)
            {
                if (raw.Trim().Length == 0)
                {
                    continue;
                }

                var indent = Indent(raw);
                if (helpIndent < 0 && indent > helpKeywordIndent)
                {
                    helpIndent = indent;
                }

                if (helpIndent >= 0 && indent >= helpIndent)
                {
                    continue;
                }

                helpKeywordIndent = helpIndent = -1;
            }

            var line = StripComment(raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            var (keyword, rest) = SplitKeyword(line);
            switch (keyword)
            {
                case "config" or "menuconfig":
                    Finish(current, symbols);
                    current = new Builder(rest.Trim(), path, i + 1);
                    break;
                case "choice" or "endchoice" or "menu" or "endmenu" or "if" or "endif" or "comment" or "source" or "rsource" or "osource" or "orsource" or "mainmenu":
                    Finish(current, symbols);
                    current = null;
                    break;
                case "help" or "---help---":
                    helpKeywordIndent = Indent(raw);
                    helpIndent = -1;
                    break;
                case "prompt" when current is not null:
                    current.Prompt ??= ReadString(rest, out _);
                    break;
                case "default" when current is not null:
                    current.AddDefault(rest);
                    break;
                default:
                    if (current is not null && _types.Contains(keyword))
                    {
                        current.Type ??= keyword;
                        if (rest.TrimStart().Length > 0)
                        {
                            current.Prompt ??= ReadString(rest, out _);
                        }
                    }
                    else if (current is not null && keyword.StartsWith("def_", StringComparison.Ordinal) && _types.Contains(keyword[4..]))
                    {
                        current.Type ??= keyword[4..];
                        current.AddDefault(rest);
                    }

                    break;
            }
        }

        Finish(current, symbols);
        return symbols;
    }

    private static void Finish(Builder? builder, List<KconfigSymbol> symbols)
    {
        if (builder is not null && builder.Name.Length > 0)
        {
            symbols.Add(new KconfigSymbol(builder.Name, builder.Type, builder.Prompt, builder.Default, builder.File, builder.Line));
        }
    }

    // Kconfig counts a tab as moving to the next multiple of 8.
    private static int Indent(string line)
    {
        var column = 0;
        foreach (var c in line)
        {
            if (c == ' ')
            {
                column++;
            }
            else if (c == '\t')
            {
                column = (column / 8 + 1) * 8;
            }
            else
            {
                break;
            }
        }

        return column;
    }

    private static (string Keyword, string Remainder) SplitKeyword(string line)
    {
        var end = 0;
        while (end < line.Length && !char.IsWhiteSpace(line[end]))
        {
            end++;
        }

        return (line[..end], line[end..]);
    }

    // A '#' outside quotes starts a comment.
    private static string StripComment(string line)
    {
        char? quote = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quote is not null)
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == quote)
                {
                    quote = null;
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '#')
            {
                return line[..i];
            }
        }

        return line;
    }

    /// <summary>A quoted Kconfig string ('…' or "…", backslash escapes) at the start of <paramref name="s"/>; null when there is none.</summary>
    private static string? ReadString(string s, out string after)
    {
        var t = s.TrimStart();
        after = t;
        if (t.Length == 0 || t[0] is not ('"' or '\''))
        {
            return null;
        }

        var quote = t[0];
        var sb = new StringBuilder();
        for (var i = 1; i < t.Length; i++)
        {
            if (t[i] == '\\' && i + 1 < t.Length)
            {
                sb.Append(t[++i]);
            }
            else if (t[i] == quote)
            {
                after = t[(i + 1)..];
                return sb.ToString();
            }
            else
            {
                sb.Append(t[i]);
            }
        }

        return null;
    }

    private sealed class Builder(string name, string file, int line)
    {
        private bool _sawDefault;

        public string Name { get; } = name;

        public string File { get; } = file;

        public int Line { get; } = line;

        public string? Type { get; set; }

        public string? Prompt { get; set; }

        public string? Default { get; private set; }

        public void AddDefault(string rest)
        {
            if (_sawDefault)
            {
                return;
            }

            _sawDefault = true;
            string value;
            string after;
            if (ReadString(rest, out after) is { } quoted)
            {
                value = quoted;
            }
            else
            {
                var t = rest.Trim();
                var space = t.IndexOfAny([' ', '\t']);
                value = space < 0 ? t : t[..space];
                after = space < 0 ? "" : t[space..];
            }

            var tail = after.Trim();
            Default = tail.Length == 0 || !tail.StartsWith("if", StringComparison.Ordinal) ? value : null;
        }
    }
}
