using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

/// <summary>build/config/sdkconfig.json as the release guard reads it.</summary>
public sealed class SdkconfigViewTests
{
    [Theory]
    [InlineData("{ \"IDF_TARGET\": \"esp32\\udc00\" }", "$.IDF_TARGET (line 1)")]
    [InlineData("{ \"ESP_TLS_\\ud800INSECURE\": true }", "a member name in $ (line 1)")]
    public void A_string_that_is_not_Unicode_text_is_SdkconfigInvalid(string json, string where)
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("sdkconfig.json");
        File.WriteAllText(path, json);

        var e = Assert.Throws<EspReleaseException>(() => SdkconfigView.FromBuildJson(path, []));

        Assert.Equal(DiagnosticCodes.SdkconfigInvalid, e.Diagnostic.Code);
        Assert.Contains(where, e.Diagnostic.Message, StringComparison.Ordinal);
    }
}
