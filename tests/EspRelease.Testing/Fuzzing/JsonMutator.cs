using System.Text;
using System.Text.Json;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// JSON-aware mutations, placed by a tokenizer on real strings, numbers, members and containers:
/// invalid UTF-8 and lone surrogate escapes in strings, NULs, other strings (paths, algorithms, dates),
/// huge numbers, values of the wrong type, deep nesting, duplicate, missing and unknown members.
/// After an earlier mutation broke the syntax, it works on the tokens read before the break.
/// </summary>
public static class JsonMutator
{
    // Raw bytes inside a string: none of them is UTF-8 text.
    private static readonly byte[][] _invalidUtf8 = [[0xFF], [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xC3], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]];

    private static readonly string[] _escapes = ["\\ud800", "\\udfff", "\\udbff\\u0041", "\\udc00\\ud800", "\\ud800\\ud800", "\\u0000", "\\u001f", "\\\\", "\\\""];

    private static readonly string[] _strings =
    [
        "", " ", "x", "ES256", "none", "HS256", "RS256", "es256", "JOSE", "JWT", "esp32", "esp32s2", "esp32c6", "esp8266", "ESP32S2",
        "linux", "stable", "beta", "rollback", "promote", "rollout", "halt", "AAAAAAAAAAAAAAAAAAAAAA", "AAAAAAAAAAAAAAAAAAAAAB", "esp-release/manifest/v1", "esp-release/manifest/v2",
        "/dev/zero", "/proc/self/status", "/", ".", "..", "../..", "../../../../../../etc/hostname", "blink.bin/", "C:\\x", "\\\\server\\share",
        "~/x", "%s%n", "a\u0000b", "\u00e9", "\ud83d\ude00", "0x10000", "0x", "-1", "0xFFFFFFFFFFFFFFFF", "1e10", " 0x1000",
        "0x1000 ", "4294967296", "2MB", "128MB", "dio", "80m", "true", "null", "1.2.3", "v1.2.3-4-gabc1234", "HEAD-HASH-NOTFOUND",
        "2026-13-45T99:99:99Z", "9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2024-02-30T00:00:00Z", "2025-01-01T00:00:00+25:00",
        "not a date", "dir:/tmp", "azure://a/b", "file:///etc", "https://", "http://[::1", "00", "aa", "zz",
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    ];

    private static readonly string[] _numbers =
    [
        "0", "-0", "1", "-1", "0.5", "1.0", "1E2", "1e309", "-1e309", "1e-400", "65535", "65536", "2147483647", "2147483648",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "18446744073709551616",
        "123456789012345678901234567890123456789", "00", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity",
    ];

    private static readonly string[] _values = ["null", "true", "false", "0", "\"\"", "\"x\"", "[]", "{}", "[null]", "{\"a\":1}", "[1,2,3]", "[\"x\"]", "{\"\":\"\"}"];

    private static readonly JsonReaderOptions _readerOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 4096 };

    /// <summary>One JSON-aware mutation, or null when <paramref name="data"/> has no token to place it on.</summary>
    public static byte[]? Mutate(byte[] data, Random rng, int limit)
    {
        var tokens = Tokenize(data);
        var values = tokens.Where(t => t.Kind is not TokenKind.Name).ToList();
        if (values.Count == 0)
        {
            return null;
        }

        var strings = tokens.Where(t => t.Kind is TokenKind.String or TokenKind.Name).ToList();
        var members = tokens.Where(t => t.Kind == TokenKind.Name && t.MemberEnd > 0).ToList();
        var objects = tokens.Where(t => t.Kind == TokenKind.Object).ToList();
        var result = rng.Next(12) switch
        {
            0 when strings.Count > 0 => InsertInString(data, ByteMutator.Pick(rng, strings), ByteMutator.Pick(rng, _invalidUtf8), rng),
            1 when strings.Count > 0 => InsertInString(data, ByteMutator.Pick(rng, strings), Encoding.ASCII.GetBytes(ByteMutator.Pick(rng, _escapes)), rng),
            2 when strings.Count > 0 => InsertInString(data, ByteMutator.Pick(rng, strings), rng.Next(2) == 0 ? "\\u0000"u8.ToArray() : [0x00], rng),
            3 when strings.Count > 0 => Replace(data, ByteMutator.Pick(rng, strings), JsonSerializer.SerializeToUtf8Bytes(ByteMutator.Pick(rng, _strings))),
            4 => Replace(data, Prefer(rng, values, TokenKind.Number), Encoding.ASCII.GetBytes(ByteMutator.Pick(rng, _numbers))),
            5 => Replace(data, ByteMutator.Pick(rng, values), Encoding.ASCII.GetBytes(ByteMutator.Pick(rng, _values))),
            6 => Replace(data, ByteMutator.Pick(rng, values), Nested(rng)),
            7 when members.Count > 0 => DuplicateMember(data, ByteMutator.Pick(rng, members), values, rng),
            8 when members.Count > 0 => RemoveMember(data, ByteMutator.Pick(rng, members)),
            9 when objects.Count > 0 => InsertMember(data, ByteMutator.Pick(rng, objects), members, rng),
            10 => Swap(data, ByteMutator.Pick(rng, values), ByteMutator.Pick(rng, values)),
            11 when strings.Count > 0 => Replace(data, ByteMutator.Pick(rng, strings), LongString(rng)),
            _ => Replace(data, ByteMutator.Pick(rng, values), Encoding.ASCII.GetBytes(ByteMutator.Pick(rng, _values))),
        };
        return result.Length > limit ? data : result;
    }

    private enum TokenKind
    {
        String,
        Name,
        Number,
        Literal,
        Object,
        Array,
    }

    /// <summary>A token's bytes [Start, End); for a member name, MemberEnd is where its value ends.</summary>
    private sealed class Token(TokenKind kind, int start)
    {
        public TokenKind Kind { get; } = kind;

        public int Start { get; } = start;

        public int End { get; set; } = -1;

        /// <summary>For a name: where its value starts (after the colon, and any space or comment before it).</summary>
        public int ValueStart { get; set; } = -1;

        public int MemberEnd { get; set; } = -1;
    }

    private static List<Token> Tokenize(byte[] data)
    {
        var tokens = new List<Token>();
        var open = new Stack<Token>();
        Token? name = null;
        var names = new Stack<Token?>();
        var reader = new Utf8JsonReader(data, _readerOptions);
        try
        {
            while (reader.Read())
            {
                var start = (int)reader.TokenStartIndex;
                var end = (int)reader.BytesConsumed;
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        name = new Token(TokenKind.Name, start) { End = end };
                        tokens.Add(name);
                        continue;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        var container = new Token(reader.TokenType == JsonTokenType.StartObject ? TokenKind.Object : TokenKind.Array, start);
                        if (name is not null)
                        {
                            name.ValueStart = start;
                        }

                        tokens.Add(container);
                        open.Push(container);
                        names.Push(name);
                        name = null;
                        continue;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        open.Pop().End = end;
                        name = names.Pop();
                        break;
                    default:
                        if (name is not null)
                        {
                            name.ValueStart = start;
                        }

                        tokens.Add(new Token(reader.TokenType switch
                        {
                            JsonTokenType.String => TokenKind.String,
                            JsonTokenType.Number => TokenKind.Number,
                            _ => TokenKind.Literal,
                        }, start) { End = end });
                        break;
                }

                // A value just ended: it completes the member whose name came before it.
                if (name is not null)
                {
                    name.MemberEnd = end;
                    name = null;
                }
            }
        }
        catch (JsonException)
        {
            // The syntax broke (an earlier mutation): keep what was read before it.
        }

        // Containers the input never closed have no extent.
        tokens.RemoveAll(t => t.End < 0);
        return tokens;
    }

    private static Token Prefer(Random rng, List<Token> values, TokenKind kind)
    {
        var preferred = values.Where(t => t.Kind == kind).ToList();
        return ByteMutator.Pick(rng, preferred.Count > 0 && rng.Next(4) != 0 ? preferred : values);
    }

    private static byte[] Replace(byte[] data, Token token, ReadOnlySpan<byte> with) =>
        [.. data.AsSpan(0, token.Start), .. with, .. data.AsSpan(token.End)];

    private static byte[] InsertInString(byte[] data, Token token, ReadOnlySpan<byte> bytes, Random rng)
    {
        // Between the quotes, not inside an escape sequence (good enough: escapes are rare in the seeds).
        var at = token.Start + 1 + rng.Next(Math.Max(1, token.End - token.Start - 1));
        return [.. data.AsSpan(0, at), .. bytes, .. data.AsSpan(at)];
    }

    private static byte[] Nested(Random rng)
    {
        // Around System.Text.Json's default limit of 64, then far beyond it.
        var depth = ByteMutator.Pick(rng, [63, 64, 65, 100, 1000, 10_000]);
        var inner = ByteMutator.Pick(rng, _values);
        var builder = new StringBuilder();
        var objects = rng.Next(2) == 0;
        for (var i = 0; i < depth; i++)
        {
            builder.Append(objects ? "{\"a\":" : "[");
        }

        builder.Append(inner);
        for (var i = 0; i < depth; i++)
        {
            builder.Append(objects ? '}' : ']');
        }

        return Encoding.ASCII.GetBytes(builder.ToString());
    }

    private static byte[] LongString(Random rng)
    {
        var length = ByteMutator.Pick(rng, [31, 32, 33, 255, 256, 4096, 65_536]);
        return Encoding.ASCII.GetBytes("\"" + new string(ByteMutator.Pick(rng, ['a', '/', '.', '0']), length) + "\"");
    }

    private static byte[] DuplicateMember(byte[] data, Token member, List<Token> values, Random rng)
    {
        // The same name again: with its own value, or with another token's value (often another type).
        var name = data.AsSpan(member.Start, member.End - member.Start);
        // The value's start as the reader saw it. Counting from the name's end (which already holds the
        // colon) landed past a one-character value followed by space, or inside a comment.
        var value = rng.Next(2) == 0 ? data.AsSpan(member.ValueStart, member.MemberEnd - member.ValueStart) : Text(data, ByteMutator.Pick(rng, values));
        byte[] copy = [.. ","u8, .. name, .. ":"u8, .. value];
        return [.. data.AsSpan(0, member.MemberEnd), .. copy, .. data.AsSpan(member.MemberEnd)];
    }

    private static ReadOnlySpan<byte> Text(byte[] data, Token token) => data.AsSpan(token.Start, token.End - token.Start);

    private static byte[] RemoveMember(byte[] data, Token member)
    {
        // With the comma after it, else the one before it, so the rest stays JSON.
        var start = member.Start;
        var end = member.MemberEnd;
        var after = SkipSpace(data, end, 1);
        if (after < data.Length && data[after] == (byte)',')
        {
            end = after + 1;
        }
        else
        {
            var before = SkipSpace(data, start - 1, -1);
            if (before >= 0 && data[before] == (byte)',')
            {
                start = before;
            }
        }

        return [.. data.AsSpan(0, start), .. data.AsSpan(end)];
    }

    private static int SkipSpace(byte[] data, int at, int step)
    {
        while (at >= 0 && at < data.Length && data[at] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            at += step;
        }

        return at;
    }

    private static byte[] InsertMember(byte[] data, Token obj, List<Token> members, Random rng)
    {
        // An unknown member, or a known name (from anywhere in the document) with a value of another type.
        var name = members.Count > 0 && rng.Next(2) == 0 ? Encoding.UTF8.GetString(Text(data, ByteMutator.Pick(rng, members))) : "\"zz\"";
        var empty = data[SkipSpace(data, obj.Start + 1, 1)] == (byte)'}';
        var member = $"{name}:{ByteMutator.Pick(rng, _values)}{(empty ? "" : ",")}";
        return [.. data.AsSpan(0, obj.Start + 1), .. Encoding.UTF8.GetBytes(member), .. data.AsSpan(obj.Start + 1)];
    }

    private static byte[] Swap(byte[] data, Token a, Token b)
    {
        // Only disjoint tokens: swapping a container with a value inside it has no meaning.
        if (a.End <= b.Start || b.End <= a.Start)
        {
            var (first, second) = a.Start < b.Start ? (a, b) : (b, a);
            return [.. data.AsSpan(0, first.Start), .. Text(data, second), .. data.AsSpan(first.End, second.Start - first.End), .. Text(data, first), .. data.AsSpan(second.End)];
        }

        return data;
    }
}
