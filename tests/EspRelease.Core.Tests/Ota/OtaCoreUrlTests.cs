using EspRelease.Testing;

namespace EspRelease.Core.Tests.Ota;

/// <summary>
/// The core's esp_release_url_resolve (firmware.path against the pointer's URL, RFC 3986 §5.2), judged
/// against .NET's own resolver, which implements the same RFC.
/// </summary>
public sealed class OtaCoreUrlTests
{
    private const string PointerUrl = "https://ota.example.com/fw/channels/stable.jws";

    private static async Task<OtaCoreResult> ResolveAsync(string baseUrl, string reference)
    {
        var result = await OtaCore.RunAsync(["resolve", "--base", baseUrl, "--ref", reference]);
        Assert.DoesNotContain("Sanitizer", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime error", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    [Theory]
    [InlineData(PointerUrl, "../releases/blink/1.4.0/blink-1.4.0-esp32s3.bin")]
    [InlineData(PointerUrl, "blink-1.4.0-esp32s3.bin")]
    [InlineData(PointerUrl, "./a/./b/../c.bin")]
    [InlineData(PointerUrl, "../../../../../x.bin")]
    [InlineData(PointerUrl, "..")]
    [InlineData(PointerUrl, ".")]
    [InlineData(PointerUrl, "a/..")]
    [InlineData(PointerUrl, "a//b.bin")]
    [InlineData("https://ota.example.com", "x.bin")]
    [InlineData("https://ota.example.com/", "../x.bin")]
    [InlineData("http://127.0.0.1:8070/stable.jws", "../releases/x.bin")]
    [InlineData("HTTPS://Blob.Example.Net/c/channels/beta.jws?sv=2024-11-04&sig=abc%3D#top", "../releases/b/1.0/b.bin")]
    public async Task A_relative_path_resolves_as_the_RFC_and_dotnet_resolve_it(string baseUrl, string reference)
    {
        var expected = new Uri(new Uri(baseUrl), reference).GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        var result = await ResolveAsync(baseUrl, reference);

        Assert.True(result.ExitCode == OtaCore.ExitAccepted, result.ToString());
        // .NET lowercases the scheme and host; the device keeps the base's spelling (hosts compare without case).
        Assert.Equal(expected, result.Values["url"], StringComparer.OrdinalIgnoreCase);
        Assert.DoesNotContain("sig=", result.Values["url"], StringComparison.Ordinal); // the base's query is not carried over
    }

    [Theory]
    [InlineData(PointerUrl, "")]
    [InlineData(PointerUrl, "/releases/x.bin")]
    [InlineData(PointerUrl, "https://evil.example/x.bin")]
    [InlineData(PointerUrl, "javascript:x")]
    [InlineData(PointerUrl, "x.bin?sig=1")]
    [InlineData(PointerUrl, "x.bin#f")]
    [InlineData(PointerUrl, "a\\b.bin")]
    [InlineData(PointerUrl, "a b.bin")]
    [InlineData("ftp://ota.example.com/x.jws", "x.bin")]
    [InlineData("https://", "x.bin")]
    [InlineData("stable.jws", "x.bin")]
    public async Task A_reference_or_base_esp_release_never_writes_is_refused(string baseUrl, string reference)
    {
        var result = await ResolveAsync(baseUrl, reference);

        Assert.True(result.ExitCode == OtaCore.ExitRefused && result.Result == "ESP_RELEASE_ERR_URL", result.ToString());
    }

    [Fact]
    public async Task A_result_longer_than_the_buffer_is_refused_not_cut()
    {
        var reference = string.Concat(Enumerable.Repeat("segment-0123456789/", 30)) + "x.bin"; // 575 bytes; the driver's buffer is 512

        var result = await ResolveAsync(PointerUrl, reference);

        Assert.Equal("ESP_RELEASE_ERR_URL", result.Result);
        Assert.Equal("", result.Values["url"]);
    }
}
