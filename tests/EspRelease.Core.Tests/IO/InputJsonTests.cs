using System.Text;
using System.Text.Json;
using EspRelease.Core.IO;

namespace EspRelease.Core.Tests.IO;

/// <summary>JSON from files: every string and member name is readable afterwards, or the parse fails saying where and what.</summary>
public sealed class InputJsonTests
{
    [Theory]
    [InlineData("{\"a\": \"x\\ud800\"}", "$.a (line 1)", "the escape \\ud800, a lone UTF-16 surrogate")]
    [InlineData("{\"a\": \"\\udc00\"}", "$.a (line 1)", "the escape \\udc00")]
    [InlineData("{\"a\": \"\\ud800\\u0041\"}", "$.a (line 1)", "the escape \\ud800")]
    [InlineData("{\"a\": {\"b\": [1, \"ok\", \"\\ud83d\"]}}", "$.a.b[2] (line 1)", "\\ud83d")]
    [InlineData("{\n\"a\": 1,\n\"b\\udfff\": 2}", "a member name in $ (line 3)", "\\udfff")]
    public void A_lone_surrogate_is_a_JsonException_that_says_where(string json, string where, string found)
    {
        var e = Assert.ThrowsAny<JsonException>(() => InputJson.Parse(Encoding.UTF8.GetBytes(json)));

        Assert.StartsWith(where + ": expected ", e.Message, StringComparison.Ordinal);
        Assert.Contains(found, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_are_a_JsonException_that_names_them()
    {
        byte[] json = [.. "{\"name\": \"ab"u8, 0xC3, 0x28, .. "\"}"u8];

        var e = Assert.ThrowsAny<JsonException>(() => InputJson.Parse(json));

        Assert.Equal("$.name (line 1): expected a string of Unicode text (UTF-8, no lone surrogates), found bytes that are not UTF-8 (0xC3 at byte 3 of the string)", e.Message);
    }

    [Fact]
    public void Valid_text_reads_as_before()
    {
        using var doc = InputJson.Parse(Encoding.UTF8.GetBytes("{\"a\": \"\\ud83d\\ude00 é \\u0000\", \"b\": [\"x\"]} "));

        Assert.Equal("😀 é \0", doc.RootElement.GetProperty("a").GetString());
    }

    [Fact]
    public void Syntax_errors_and_depth_stay_JsonExceptions()
    {
        Assert.ThrowsAny<JsonException>(() => InputJson.Parse("{\"a\": "u8.ToArray()));
        Assert.ThrowsAny<JsonException>(() => InputJson.Parse(Encoding.UTF8.GetBytes(new string('[', 200) + new string(']', 200))));
    }
}
