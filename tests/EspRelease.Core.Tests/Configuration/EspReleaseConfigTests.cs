using EspRelease.Core.Configuration;
using EspRelease.Core.Diagnostics;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Configuration;

/// <summary>esp-release.json as a user may get it wrong: each fault is ConfigInvalid (exit 1) naming the file and the member.</summary>
public sealed class EspReleaseConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private EspReleaseException Refusal(string json)
    {
        var path = _temp.Combine("esp-release.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<EspReleaseException>(() => EspReleaseConfig.Load(path, _temp.Path));
        Assert.Equal(FailureKind.Usage, e.Kind);
        Assert.Equal(path, e.Diagnostic.File);
        Assert.StartsWith(path + ": ", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.EndsWith("See the README's \"esp-release.json\" section.", e.Diagnostic.Message, StringComparison.Ordinal);
        return e;
    }

    [Fact]
    public void Paths_are_read_relative_to_the_file()
    {
        File.WriteAllText(_temp.Combine("esp-release.json"), "{ \"key\": \"keys/k.pem\", \"host\": \"dir:site\", \"trustedKeys\": [\"old.pem\"], // ok\n }");

        var config = EspReleaseConfig.Load(null, _temp.Path);

        Assert.Equal(_temp.Combine("keys", "k.pem"), config.Key);
        Assert.Equal("dir:" + _temp.Combine("site"), config.Host);
        Assert.Equal([_temp.Combine("old.pem")], config.TrustedKeys);
    }

    [Fact]
    public void A_lone_surrogate_is_ConfigInvalid()
    {
        var e = Refusal("{ \"channel\": \"be\\ud800ta\" }");

        Assert.Equal(DiagnosticCodes.ConfigInvalid, e.Diagnostic.Code);
        Assert.Contains("$.channel (line 1): expected a string of Unicode text (UTF-8, no lone surrogates), found the escape \\ud800", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"key\": \"k\\u0000.pem\" }", "\"key\" is \"k\\u0000.pem\": expected a path (relative to this file), but it holds a NUL character (\\u0000) at character 2")]
    [InlineData("{ \"buildDir\": \"\" }", "\"buildDir\" is \"\": expected a path (relative to this file), but it is empty")]
    [InlineData("{ \"host\": \"dir:\" }", "\"host\" is \"\": expected a path (relative to this file), but it is empty")]
    [InlineData("{ \"trustedKeys\": [\"a.pem\", \"b\\u0000\"] }", "\"trustedKeys[1]\" is \"b\\u0000\"")]
    public void A_path_no_file_can_have_is_ConfigInvalid_not_an_ArgumentException(string json, string expected)
    {
        var e = Refusal(json);

        Assert.Equal(DiagnosticCodes.ConfigInvalid, e.Diagnostic.Code);
        Assert.Contains(expected, e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_path_that_is_a_directory_is_named_as_one()
    {
        var e = Assert.Throws<EspReleaseException>(() => EspReleaseConfig.Load(_temp.Path, _temp.Path));

        Assert.Equal(DiagnosticCodes.NotARegularFile, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }
}
