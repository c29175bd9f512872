using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace EspRelease.Core.IO;

/// <summary>
/// Parses JSON that comes from a file and guarantees that reading any string or member name of the result
/// afterwards cannot throw. System.Text.Json checks the syntax when it parses but decodes strings only when
/// asked, and then throws InvalidOperationException for bytes that are not UTF-8 or for an escaped lone
/// UTF-16 surrogate (<c>"\ud800"</c>), which RFC 8259 leaves unpredictable and I-JSON (RFC 7493) forbids.
/// Here every string is decoded once up front, and the first bad one becomes a <see cref="JsonException"/>
/// that says where it is (JSON path and line), what was expected and what was found: the exception every
/// reader already turns into its own typed error.
/// </summary>
public static class InputJson
{
    private const string MemberName = "a member name";

    /// <exception cref="JsonException">Not JSON, or a string or member name that is not Unicode text.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> utf8, JsonDocumentOptions options = default)
    {
        Validate(utf8.Span, options);
        return JsonDocument.Parse(utf8, options);
    }

    private static void Validate(ReadOnlySpan<byte> utf8, JsonDocumentOptions options)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions
        {
            AllowTrailingCommas = options.AllowTrailingCommas,
            CommentHandling = options.CommentHandling,
            MaxDepth = options.MaxDepth,
        });

        // The path of the value being read: one frame per open object or array.
        var path = new List<Frame>();
        while (reader.Read())
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject or JsonTokenType.StartArray:
                    Advance(path);
                    path.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                    break;
                case JsonTokenType.EndObject or JsonTokenType.EndArray:
                    path.RemoveAt(path.Count - 1);
                    break;
                case JsonTokenType.PropertyName:
                    var name = Check(ref reader, utf8, path, MemberName);
                    path[^1] = path[^1] with { Name = name };
                    break;
                case JsonTokenType.String:
                    Advance(path);
                    Check(ref reader, utf8, path, "a string");
                    break;
                default:
                    Advance(path);
                    break;
            }
        }
    }

    // An array's index moves on with each element it holds.
    private static void Advance(List<Frame> path)
    {
        if (path.Count > 0 && path[^1].IsArray)
        {
            path[^1] = path[^1] with { Index = path[^1].Index + 1 };
        }
    }

    private static string Check(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, List<Frame> path, string what)
    {
        string found;
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException e)
        {
            var raw = reader.ValueSpan;
            found = !Utf8.IsValid(raw) ? DescribeInvalidUtf8(raw)
                : LoneSurrogate(raw) is { } escape ? $"the escape {escape}, a lone UTF-16 surrogate (half of a character)"
                : e.Message.TrimEnd('.');
        }

        var line = utf8[..(int)reader.TokenStartIndex].Count((byte)'\n') + 1;
        var at = what == MemberName ? $"a member name in {Format(path[..^1])}" : Format(path);
        throw new JsonException(string.Create(CultureInfo.InvariantCulture,
            $"{at} (line {line}): expected {what} of Unicode text (UTF-8, no lone surrogates), found {found}"));
    }

    private static string DescribeInvalidUtf8(ReadOnlySpan<byte> raw)
    {
        for (var offset = 0; offset < raw.Length;)
        {
            if (Rune.DecodeFromUtf8(raw[offset..], out _, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                var bad = raw.Slice(offset, Math.Clamp(consumed, 1, 4)).ToArray();
                return string.Create(CultureInfo.InvariantCulture,
                    $"bytes that are not UTF-8 ({string.Join(' ', bad.Select(b => $"0x{b:X2}"))} at byte {offset + 1} of the string)");
            }

            offset += consumed;
        }

        return "bytes that are not UTF-8";
    }

    // The first \uXXXX escape of a surrogate that is not half of a pair, as written. The reader has
    // checked the syntax, so every backslash starts a complete escape.
    private static string? LoneSurrogate(ReadOnlySpan<byte> raw)
    {
        for (var i = 0; i < raw.Length; i++)
        {
            if (raw[i] != '\\')
            {
                continue;
            }

            if (raw[i + 1] != 'u')
            {
                i++; // a one-character escape: \\, \", \n …
                continue;
            }

            var unit = Hex(raw.Slice(i + 2, 4));
            var next = i + 6;
            var low = next + 6 <= raw.Length && raw[next] == '\\' && raw[next + 1] == 'u' ? Hex(raw.Slice(next + 2, 4)) : -1;
            var high = unit is >= 0xD800 and <= 0xDBFF;
            if (unit is >= 0xDC00 and <= 0xDFFF || (high && low is < 0xDC00 or > 0xDFFF))
            {
                return Encoding.ASCII.GetString(raw.Slice(i, 6));
            }

            i = high ? next + 5 : i + 5;
        }

        return null;
    }

    private static int Hex(ReadOnlySpan<byte> four) =>
        int.TryParse(four, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value) ? value : -1;

    private static string Format(IEnumerable<Frame> frames)
    {
        var sb = new StringBuilder("$");
        foreach (var frame in frames)
        {
            if (frame.IsArray)
            {
                sb.Append(CultureInfo.InvariantCulture, $"[{frame.Index}]");
            }
            else if (frame.Name is { } name)
            {
                sb.Append(name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? "." + name : $"[{InputPath.Quote(name)}]");
            }
        }

        return sb.ToString();
    }

    private sealed record Frame(bool IsArray, int Index = -1, string? Name = null);
}
