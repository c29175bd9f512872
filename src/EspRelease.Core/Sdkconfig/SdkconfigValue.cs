using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace EspRelease.Core.Sdkconfig;

/// <summary>The shape of a value as it is written in <c>sdkconfig</c> (the file carries no types; Kconfig does).</summary>
public enum SdkconfigValueKind
{
    /// <summary><c>y</c>, <c>n</c>, or the <c># CONFIG_X is not set</c> line.</summary>
    Bool,

    /// <summary>A string: double-quoted, with <c>\"</c> and <c>\\</c> escapes.</summary>
    Text,

    /// <summary>A decimal integer.</summary>
    Number,

    /// <summary>A <c>0x…</c> hex number.</summary>
    Hex,

    /// <summary><c>CONFIG_X=</c> with nothing after it (an int/hex without a value; <c>n</c> in a defaults file).</summary>
    Empty,

    /// <summary>Anything else (e.g. a string with no closing quote); kept as written.</summary>
    Other,
}

/// <summary>
/// One option's value, in the encoding of ESP-IDF's kconfgen (spec §6.1): strings are quoted, and only
/// <c>\</c> and <c>"</c> are escaped (a backslash before any character stands for that character);
/// bools are <c>y</c>/<c>n</c>, and n is written as <c># CONFIG_X is not set</c>; int and hex are bare.
/// </summary>
public sealed partial record SdkconfigValue
{
    private SdkconfigValue(SdkconfigValueKind kind, string text, string literal)
    {
        Kind = kind;
        Text = text;
        Literal = literal;
    }

    public SdkconfigValueKind Kind { get; }

    /// <summary><c>y</c> or <c>n</c> for bools, the unescaped content for strings, the text as written for everything else.</summary>
    public string Text { get; }

    /// <summary>What follows <c>CONFIG_X=</c> in the file (<c>n</c> for a <c># CONFIG_X is not set</c> line).</summary>
    public string Literal { get; }

    /// <summary>
    /// True for a bool that is on. Like kconfgen, only the first character of a bool counts, so
    /// <c>CONFIG_X=yes</c> is on too.
    /// </summary>
    public bool IsEnabled => Kind is SdkconfigValueKind.Bool or SdkconfigValueKind.Other && Literal.StartsWith('y');

    public static SdkconfigValue Yes { get; } = new(SdkconfigValueKind.Bool, "y", "y");

    public static SdkconfigValue No { get; } = new(SdkconfigValueKind.Bool, "n", "n");

    public static SdkconfigValue OfBool(bool on) => on ? Yes : No;

    /// <summary>A string value; it must not contain a line break (sdkconfig cannot represent one).</summary>
    /// <exception cref="ArgumentException">The text contains CR or LF.</exception>
    public static SdkconfigValue OfString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.AsSpan().ContainsAny('\r', '\n'))
        {
            throw new ArgumentException("sdkconfig cannot hold a line break inside a string value (kconfgen has no \\n escape).", nameof(text));
        }

        return new(SdkconfigValueKind.Text, text, "\"" + Escape(text) + "\"");
    }

    /// <summary>A decimal integer (optionally negative).</summary>
    /// <exception cref="FormatException">The text is not a decimal integer.</exception>
    public static SdkconfigValue OfInt(string text) =>
        IntPattern().IsMatch(text) ? new(SdkconfigValueKind.Number, text, text) : throw new FormatException($"\"{text}\" is not a decimal integer.");

    /// <summary>A hex number, written in the <c>0x</c> form kconfgen writes (bare hex digits get the prefix).</summary>
    /// <exception cref="FormatException">The text is not a hex number.</exception>
    public static SdkconfigValue OfHex(string text)
    {
        var digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (digits.Length == 0 || !digits.All(char.IsAsciiHexDigit))
        {
            throw new FormatException($"\"{text}\" is not a hex number.");
        }

        var literal = "0x" + digits;
        return new(SdkconfigValueKind.Hex, literal, literal);
    }

    /// <summary>Reads what follows <c>CONFIG_X=</c> in a file.</summary>
    public static SdkconfigValue FromLiteral(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        if (literal.Length == 0)
        {
            return new(SdkconfigValueKind.Empty, "", "");
        }

        if (literal[0] == '"')
        {
            // kconfgen: "((?:[^\\"]|\\.)*)"; anything after the closing quote is ignored.
            var m = StringPattern().Match(literal);
            return m.Success ? new(SdkconfigValueKind.Text, Unescape(m.Groups[1].Value), literal) : new(SdkconfigValueKind.Other, literal, literal);
        }

        if (literal is "y" or "n")
        {
            return new(SdkconfigValueKind.Bool, literal, literal);
        }

        if (IntPattern().IsMatch(literal))
        {
            return new(SdkconfigValueKind.Number, literal, literal);
        }

        return HexPattern().IsMatch(literal) ? new(SdkconfigValueKind.Hex, literal, literal) : new(SdkconfigValueKind.Other, literal, literal);
    }

    /// <summary>
    /// A value from a JSON member of <c>build/config/sdkconfig.json</c> (spec §5.5): true/false for bools,
    /// numbers for int and hex (hex as decimal there), strings unescaped, null for an int/hex without a value.
    /// </summary>
    public static SdkconfigValue FromJson(System.Text.Json.JsonElement element) => element.ValueKind switch
    {
        System.Text.Json.JsonValueKind.True => Yes,
        System.Text.Json.JsonValueKind.False => No,
        System.Text.Json.JsonValueKind.String => new(SdkconfigValueKind.Text, element.GetString()!, "\"" + Escape(element.GetString()!) + "\""),
        System.Text.Json.JsonValueKind.Number => new(SdkconfigValueKind.Number, element.GetRawText(), element.GetRawText()),
        System.Text.Json.JsonValueKind.Null => new(SdkconfigValueKind.Empty, "", ""),
        _ => new(SdkconfigValueKind.Other, element.GetRawText(), element.GetRawText()),
    };

    /// <summary>kconfgen's escaping: <c>\</c> becomes <c>\\</c>, then <c>"</c> becomes <c>\"</c>; nothing else.</summary>
    public static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    /// <summary>kconfgen's unescaping: a backslash followed by any character stands for that character.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            sb.Append(text[i]);
        }

        return sb.ToString();
    }

    /// <summary>The line kconfgen writes for this value: <c>CONFIG_NAME=value</c>, or <c># CONFIG_NAME is not set</c> for a bool that is n.</summary>
    public string ToLine(string name) =>
        Kind == SdkconfigValueKind.Bool && !IsEnabled
            ? string.Create(CultureInfo.InvariantCulture, $"# {SdkconfigFile.Prefix}{name} is not set")
            : string.Create(CultureInfo.InvariantCulture, $"{SdkconfigFile.Prefix}{name}={Literal}");

    /// <summary>True when both mean the same to kconfgen (<c>=n</c> and <c>is not set</c> are equal; hex compares by number).</summary>
    public bool SameAs(SdkconfigValue other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Kind == SdkconfigValueKind.Bool && other.Kind == SdkconfigValueKind.Bool)
        {
            return IsEnabled == other.IsEnabled;
        }

        if (Kind is SdkconfigValueKind.Hex or SdkconfigValueKind.Number && other.Kind is SdkconfigValueKind.Hex or SdkconfigValueKind.Number
            && AsNumber(this) is { } a && AsNumber(other) is { } b)
        {
            return a == b;
        }

        return Kind == other.Kind && string.Equals(Text, other.Text, StringComparison.Ordinal);
    }

    /// <summary>For messages: strings quoted as in the file, everything else as its text.</summary>
    public override string ToString() => Kind == SdkconfigValueKind.Text ? Literal : Text;

    private static System.Numerics.BigInteger? AsNumber(SdkconfigValue v) =>
        v.Kind == SdkconfigValueKind.Number
            ? System.Numerics.BigInteger.Parse(v.Text, CultureInfo.InvariantCulture)
            : System.Numerics.BigInteger.TryParse("0" + v.Text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) ? n : null;

    [GeneratedRegex("^\"((?:[^\\\\\"]|\\\\.)*)\"")]
    private static partial Regex StringPattern();

    [GeneratedRegex("^-?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex("^0[xX][0-9a-fA-F]+$")]
    private static partial Regex HexPattern();
}
