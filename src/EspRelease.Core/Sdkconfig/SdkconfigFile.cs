using System.Text;
using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Sdkconfig;

/// <summary>
/// An <c>sdkconfig</c> or <c>sdkconfig.defaults</c> file kept line by line, so that a file that is not
/// changed is written back byte for byte (line endings, a missing final newline, a BOM, comments,
/// blank lines, unknown lines). <see cref="Set"/> patches values the way spec §6.2 asks of a patcher:
/// the value part is replaced in place, a <c># default:</c> line directly above is removed, and an
/// option that is absent is appended at the end.
/// </summary>
public sealed partial class SdkconfigFile
{
    public const string Prefix = "CONFIG_";
    public const string DeprecatedStart = "# Deprecated options for backward compatibility";
    public const string DeprecatedEnd = "# End of deprecated options";
    public const string DefaultMarker = "# default:";

    private static readonly UTF8Encoding _utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly byte[] _bom = [0xEF, 0xBB, 0xBF];

    private readonly List<SourceLine> _lines;
    private readonly string _newline;
    private IReadOnlyList<SdkconfigEntry>? _entries;

    private SdkconfigFile(string path, List<SourceLine> lines, bool bom, bool isNew)
    {
        Path = path;
        _lines = lines;
        HasBom = bom;
        IsNew = isNew;
        _newline = lines.Select(l => l.Ending).FirstOrDefault(e => e.Length > 0) ?? "\n";
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <summary>True when the file did not exist (<see cref="LoadOrCreate"/>); <see cref="Save"/> creates it.</summary>
    public bool IsNew { get; }

    /// <summary>True once <see cref="Set"/> changed something.</summary>
    public bool IsModified { get; private set; }

    public bool HasBom { get; }

    /// <summary>The line break new lines get: the file's first one, else LF.</summary>
    public string NewLine => _newline;

    public int LineCount => _lines.Count;

    /// <summary>Every assignment, in file order, including duplicates and the deprecated block.</summary>
    public IReadOnlyList<SdkconfigEntry> Entries => _entries ??= Scan().Entries;

    /// <summary>Lines kconfgen would warn about: malformed lines, bad string literals, options assigned twice.</summary>
    public IReadOnlyList<Diagnostic> Warnings => Scan().Warnings;

    /// <exception cref="EspReleaseException">The file is missing (usage) or not UTF-8 text.</exception>
    public static SdkconfigFile Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!InputFile.Exists(full))
        {
            throw new EspReleaseException(DiagnosticCodes.FileNotFound, $"{full}: file not found.", full, FailureKind.Usage);
        }

        return Parse(InputFile.ReadAllBytes(full), full);
    }

    /// <summary>The file if it exists; else an empty one that <see cref="Save"/> will create.</summary>
    public static SdkconfigFile LoadOrCreate(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        return InputFile.Exists(full) ? Parse(InputFile.ReadAllBytes(full), full) : new SdkconfigFile(full, [], bom: false, isNew: true);
    }

    /// <param name="content">The file's bytes (UTF-8, optionally with a BOM, which is kept).</param>
    /// <param name="path">The path to name in messages and to write to on <see cref="Save"/>.</param>
    /// <exception cref="EspReleaseException">The bytes are not UTF-8.</exception>
    public static SdkconfigFile Parse(ReadOnlySpan<byte> content, string path)
    {
        var bom = content.StartsWith(_bom);
        string text;
        try
        {
            text = _utf8.GetString(bom ? content[3..] : content);
        }
        catch (DecoderFallbackException e)
        {
            throw new EspReleaseException(DiagnosticCodes.SdkconfigInvalid,
                $"{path}: expected UTF-8 text (kconfgen reads sdkconfig files as UTF-8), found bytes that are not UTF-8 ({e.Message}). Save the file as UTF-8 and try again.", path);
        }

        return Parse(text, path, bom);
    }

    /// <param name="text">The file's text.</param>
    /// <param name="path">The path to name in messages and to write to on <see cref="Save"/>.</param>
    public static SdkconfigFile Parse(string text, string path) => Parse(text, path, bom: false);

    /// <summary>
    /// The option name without the <c>CONFIG_</c> prefix (accepted with or without it).
    /// </summary>
    /// <exception cref="EspReleaseException">Not a Kconfig symbol name (usage).</exception>
    public static string NormalizeName(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var name = key.Trim();
        if (name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            name = name[Prefix.Length..];
        }

        return NamePattern().IsMatch(name)
            ? name
            : throw new EspReleaseException(DiagnosticCodes.SdkconfigValueInvalid,
                $"\"{key}\" is not an option name: expected letters, digits and underscores, with or without the CONFIG_ prefix (e.g. EXAMPLE_FIRMWARE_UPGRADE_URL).", kind: FailureKind.Usage);
    }

    /// <summary>The assignment kconfgen would use: the last one outside the deprecated block; null when absent.</summary>
    public SdkconfigEntry? Find(string name)
    {
        var key = NormalizeName(name);
        return Entries.LastOrDefault(e => !e.InDeprecatedBlock && e.Name == key);
    }

    /// <summary>The option's value (see <see cref="Find"/>); null when the file does not set it.</summary>
    public SdkconfigValue? Get(string name) => Find(name)?.Value;

    public bool Contains(string name) => Find(name) is not null;

    /// <summary>
    /// Sets an option. Every assignment of it outside the deprecated block that does not already mean
    /// this value is rewritten in place (the line keeps its position and line ending); a
    /// <c># default:</c> line directly above is removed,
    /// because the value is now the user's. When absent, the line is appended at the end. A bool set to
    /// n is written <c># CONFIG_X is not set</c>; strings are quoted and escaped.
    /// </summary>
    /// <param name="name">The option, with or without <c>CONFIG_</c>.</param>
    /// <param name="value">The new value.</param>
    public SdkconfigChange Set(string name, SdkconfigValue value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var key = NormalizeName(name);
        var text = value.ToLine(key);
        var existing = Entries.Where(e => !e.InDeprecatedBlock && e.Name == key).ToList();
        if (existing.Count == 0)
        {
            if (_lines.Count > 0 && _lines[^1].Ending.Length == 0)
            {
                // Keep the file's "no newline at the end" convention: the break moves to before the new line.
                _lines[^1] = _lines[^1] with { Ending = _newline };
                _lines.Add(new SourceLine(text, ""));
            }
            else
            {
                _lines.Add(new SourceLine(text, _newline));
            }

            Changed();
            return new SdkconfigChange(key, null, value, SdkconfigChangeKind.Appended, _lines.Count, RemovedDefaultMarker: false);
        }

        var previous = existing[^1].Value;
        var changed = false;
        var removedMarker = false;
        foreach (var entry in existing.OrderByDescending(e => e.Line))
        {
            var index = entry.Line - 1;
            // A line that already means this value (e.g. CONFIG_X=n for n) is left as written.
            if (_lines[index].Text != text && !entry.Value.SameAs(value))
            {
                _lines[index] = _lines[index] with { Text = text };
                changed = true;
            }

            if (entry.IsDefault && index > 0 && IsDefaultMarker(_lines[index - 1].Text))
            {
                _lines.RemoveAt(index - 1);
                removedMarker = changed = true;
            }
        }

        if (!changed)
        {
            return new SdkconfigChange(key, previous, value, SdkconfigChangeKind.Unchanged, existing[^1].Line, RemovedDefaultMarker: false);
        }

        Changed();
        return new SdkconfigChange(key, previous, value, SdkconfigChangeKind.Replaced, Find(key)!.Line, removedMarker);
    }

    /// <summary>The file's bytes: every line as read (or as set) with its own line ending.</summary>
    public byte[] ToBytes()
    {
        var body = _utf8.GetBytes(ToString());
        return HasBom ? [.. _bom, .. body] : body;
    }

    public override string ToString()
    {
        var sb = new StringBuilder();
        foreach (var line in _lines)
        {
            sb.Append(line.Text).Append(line.Ending);
        }

        return sb.ToString();
    }

    /// <summary>Writes the file atomically (temporary file, then rename) to <see cref="Path"/>.</summary>
    public void Save() => AtomicFile.WriteAllBytes(Path, ToBytes());

    private static SdkconfigFile Parse(string text, string path, bool bom)
    {
        var lines = new List<SourceLine>();
        var start = 0;
        while (start < text.Length)
        {
            var lf = text.IndexOf('\n', start);
            if (lf < 0)
            {
                lines.Add(new SourceLine(text[start..], ""));
                break;
            }

            var crlf = lf > start && text[lf - 1] == '\r';
            lines.Add(new SourceLine(text[start..(crlf ? lf - 1 : lf)], crlf ? "\r\n" : "\n"));
            start = lf + 1;
        }

        return new SdkconfigFile(path, lines, bom, isNew: false);
    }

    private static bool IsDefaultMarker(string text) => text.TrimEnd() == DefaultMarker;

    private void Changed()
    {
        IsModified = true;
        _entries = null;
    }

    private (IReadOnlyList<SdkconfigEntry> Entries, IReadOnlyList<Diagnostic> Warnings) Scan()
    {
        var entries = new List<SdkconfigEntry>();
        var warnings = new List<Diagnostic>();
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        var inDeprecated = false;
        var pendingDefault = false;
        for (var i = 0; i < _lines.Count; i++)
        {
            // kconfgen strips trailing whitespace (and so a stray CR) before matching.
            var line = _lines[i].Text.TrimEnd();
            var number = i + 1;
            string? name = null;
            SdkconfigValue? value = null;
            if (SetPattern().Match(line) is { Success: true } set)
            {
                name = set.Groups[1].Value;
                value = SdkconfigValue.FromLiteral(set.Groups[2].Value);
                if (value.Kind == SdkconfigValueKind.Other && value.Literal.StartsWith('"'))
                {
                    warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigMalformedLine, Severity.Warning,
                        $"{Path}: line {number}: {Prefix}{name} has a malformed string (expected \"…\" with \\\" and \\\\ escapes, found {value.Literal}); kconfgen ignores it. Quote the value and escape \" and \\ inside it.", Path));
                }
            }
            else if (UnsetPattern().Match(line) is { Success: true } unset)
            {
                name = unset.Groups[1].Value;
                value = SdkconfigValue.No;
            }
            else if (line == DeprecatedStart)
            {
                inDeprecated = true;
            }
            else if (line == DeprecatedEnd)
            {
                inDeprecated = false;
            }
            else if (line == DefaultMarker)
            {
                pendingDefault = true;
                continue;
            }
            else if (line.Length > 0 && !line.StartsWith('#'))
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigMalformedLine, Severity.Warning,
                    $"{Path}: line {number}: expected CONFIG_NAME=value, \"# CONFIG_NAME is not set\", a comment or a blank line, found \"{Shorten(line)}\"; kconfgen ignores it (and the next build drops it from sdkconfig). Fix or delete the line.", Path));
            }

            if (name is not null)
            {
                entries.Add(new SdkconfigEntry(name, value!, number, pendingDefault, inDeprecated));
                if (!inDeprecated && !firstLine.TryAdd(name, number))
                {
                    warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigDuplicateOption, Severity.Warning,
                        $"{Path}: {Prefix}{name} is assigned on line {firstLine[name]} and again on line {number}; kconfgen uses the later one. Delete the line you do not mean.", Path));
                }
            }

            pendingDefault = false;
        }

        return (entries, warnings);
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    [GeneratedRegex("^CONFIG_([^=]+)=(.*)$", RegexOptions.Singleline)]
    private static partial Regex SetPattern();

    [GeneratedRegex("^# CONFIG_([^ ]+) is not set")]
    private static partial Regex UnsetPattern();

    [GeneratedRegex("^[A-Za-z0-9_]+$")]
    private static partial Regex NamePattern();

    private sealed record SourceLine(string Text, string Ending);
}
