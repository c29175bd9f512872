using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

/// <summary>pack refuses a build whose sdkconfig weakens OTA security, unless AllowInsecure.</summary>
public sealed class PackGuardTests : IDisposable
{
    private static readonly DateTimeOffset _created = DateTimeOffset.FromUnixTimeSeconds(1764072000);
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private PackedRelease Pack(string build, bool allowInsecure = false) => ReleasePacker.Pack(new PackOptions
    {
        BuildDirectory = build, OutputDirectory = _temp.Combine($"release-{Guid.NewGuid():n}"), Key = _key, Created = _created, AllowInsecure = allowInsecure,
    });

    [Fact]
    public void The_fixture_build_without_any_sdkconfig_packs_as_before()
    {
        var release = Pack(BuildDirectoryBuilder.Create(_temp, "1.0.0"));

        Assert.DoesNotContain(release.Warnings, w => w.Code.StartsWith("ESPR28", StringComparison.Ordinal));
    }

    [Fact]
    public void An_insecure_project_sdkconfig_beside_the_build_refuses_the_release()
    {
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        File.WriteAllText(_temp.Combine("sdkconfig"), "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\nCONFIG_ESP_TLS_INSECURE=y\n");

        var e = Assert.Throws<EspReleaseException>(() => Pack(build));

        Assert.Equal(FailureKind.Refused, e.Kind);
        Assert.Equal([DiagnosticCodes.InsecureTls, DiagnosticCodes.OtaAllowHttp], e.Diagnostics.Where(d => d.Severity == Severity.Error).Select(d => d.Code));
        Assert.Empty(Directory.EnumerateDirectories(_temp.Path, "release-*").SelectMany(d => Directory.EnumerateFiles(d, "manifest.jws")));
    }

    [Fact]
    public void Allow_insecure_packs_it_with_a_loud_warning_for_each_switch()
    {
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        Directory.CreateDirectory(Path.Combine(build, "config"));
        File.WriteAllText(Path.Combine(build, "config", "sdkconfig.json"), "{ \"ESP_TLS_SKIP_SERVER_CERT_VERIFY\": true, \"ESP_TLS_INSECURE\": true }");

        var release = Pack(build, allowInsecure: true);

        var loud = release.Warnings.Where(w => w.Message.StartsWith("INSECURE RELEASE (--allow-insecure):", StringComparison.Ordinal)).ToList();
        Assert.Equal([DiagnosticCodes.InsecureTlsWarning, DiagnosticCodes.SkipServerCertVerifyWarning], loud.Select(w => w.Code));
        Assert.True(File.Exists(release.ManifestJwsPath));
    }
}
