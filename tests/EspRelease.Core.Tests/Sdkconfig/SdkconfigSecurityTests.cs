using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

public sealed class SdkconfigSecurityTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Project(string example = "simple_ota_example") => _temp.CopyTree(Path.Combine(Fixtures.IdfProjects, example), example);

    private static SecurityReport Check(string dir) => SdkconfigSecurity.Check(SdkconfigProject.Open(dir));

    [Theory]
    [InlineData("simple_ota_example")]
    [InlineData("advanced_https_ota")]
    public void The_example_projects_as_shipped_have_no_insecure_switch(string example)
    {
        var report = Check(Project(example));

        Assert.True(report.IsSecure);
        Assert.Empty(report.Diagnostics(release: true));
    }

    [Fact]
    public void The_real_sdkconfig_has_no_insecure_switch()
    {
        var dir = Project();
        File.Copy(Path.Combine(Fixtures.Sdkconfigs, "esp32s3_hello_world_idf5.3.1", "sdkconfig"), Path.Combine(dir, "sdkconfig"));

        var report = Check(dir);

        Assert.True(report.IsSecure);
        Assert.Contains(Path.Combine(dir, "sdkconfig"), report.View.Files);
    }

    [Fact]
    public void Each_insecure_switch_is_one_finding_with_its_own_code_that_says_why_and_how_to_turn_it_off()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"),
            "CONFIG_ESP_TLS_INSECURE=y\nCONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y\nCONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\nCONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK=y\nCONFIG_MBEDTLS_ALLOW_WEAK_CERTIFICATE_VERIFICATION=y\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"http://192.168.0.3:8070/hello_world.bin\"\n");

        var report = Check(dir);
        var errors = report.Findings.Select(f => f.ToDiagnostic(refuse: true)).ToList();
        var warnings = report.Findings.Select(f => f.ToDiagnostic(refuse: false)).ToList();

        Assert.Equal(
            [DiagnosticCodes.InsecureTls, DiagnosticCodes.SkipServerCertVerify, DiagnosticCodes.OtaAllowHttp, DiagnosticCodes.SkipCommonNameCheck, DiagnosticCodes.WeakCertificateVerification, DiagnosticCodes.HttpFirmwareUrl],
            errors.Select(d => d.Code));
        Assert.All(errors, d => Assert.Equal(Severity.Error, d.Severity));
        Assert.Equal(
            [DiagnosticCodes.InsecureTlsWarning, DiagnosticCodes.SkipServerCertVerifyWarning, DiagnosticCodes.OtaAllowHttpWarning, DiagnosticCodes.SkipCommonNameCheckWarning, DiagnosticCodes.WeakCertificateVerificationWarning, DiagnosticCodes.HttpFirmwareUrlWarning],
            warnings.Select(d => d.Code));
        Assert.All(warnings, d => Assert.Equal(Severity.Warning, d.Severity));
        Assert.All(errors, d => Assert.Equal(Path.Combine(dir, "sdkconfig"), d.File));
        Assert.All(errors, d => Assert.Contains("sdkconfig line", d.Message, StringComparison.Ordinal));
        Assert.All(errors.Take(5), d => Assert.Contains("Turn it off: `esp-release sdkconfig set", d.Message, StringComparison.Ordinal));
        Assert.Contains("firmware", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("MBEDTLS_SSL_VERIFY_NONE", errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("replace the image", errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("host-name check", errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("Skip server certificate CN fieldcheck", errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("`esp-release sdkconfig url https://192.168.0.3:8070/hello_world.bin --project", errors[5].Message, StringComparison.Ordinal);

        // sdkconfig also differs from what a fresh build would get (the Kconfig defaults): reported, never blocking.
        Assert.Equal(["EXAMPLE_FIRMWARE_UPGRADE_URL", "EXAMPLE_SKIP_COMMON_NAME_CHECK"], report.Notes.Select(n => n.Message.Split('=')[0].Split("CONFIG_")[^1]));
        Assert.All(report.Notes, n => Assert.Equal((DiagnosticCodes.SdkconfigShadowsDefaults, Severity.Warning), (n.Code, n.Severity)));
    }

    [Fact]
    public void The_fix_names_every_file_that_turns_the_switch_on()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\n");
        File.AppendAllText(Path.Combine(dir, "sdkconfig.defaults"), "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\n");

        var finding = Assert.Single(Check(dir).Findings);

        Assert.Contains($"`esp-release sdkconfig set ESP_HTTPS_OTA_ALLOW_HTTP n --project {dir}` and `esp-release sdkconfig set ESP_HTTPS_OTA_ALLOW_HTTP n --defaults --project {dir}`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_sdkconfig_the_defaults_decide_and_the_example_ci_overrides_are_caught()
    {
        var dir = Project();
        File.Copy(Path.Combine(dir, "sdkconfig.ci"), Path.Combine(dir, "sdkconfig.defaults"), overwrite: true);

        var report = Check(dir);

        var finding = Assert.Single(report.Findings);
        Assert.Equal("EXAMPLE_SKIP_COMMON_NAME_CHECK", finding.Setting.Name);
        Assert.Equal(SdkconfigSource.Defaults, finding.Setting.Source);
        Assert.Contains("--defaults --project", finding.Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.OtaUrlFromStdin, Assert.Single(report.Notes).Code);
    }

    [Fact]
    public void Skip_cn_options_are_found_by_name_in_any_component()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_MY_OTA_SKIP_CN=y\nCONFIG_OTHER_SKIP_COMMON_NAME_VERIFY=y\n# CONFIG_THIRD_SKIP_CN is not set\nCONFIG_SKIP_CNT=y\n");

        var report = Check(dir);

        Assert.Equal(["MY_OTA_SKIP_CN", "OTHER_SKIP_COMMON_NAME_VERIFY"], report.Findings.Select(f => f.Setting.Name).Order(StringComparer.Ordinal));
        Assert.All(report.Findings, f => Assert.Equal(DiagnosticCodes.SkipCommonNameCheck, f.ErrorCode));
    }

    [Fact]
    public void An_http_url_left_as_the_kconfig_default_is_caught_at_the_kconfig_file()
    {
        var dir = Project();
        var kconfig = Path.Combine(dir, "main", "Kconfig.projbuild");
        File.WriteAllText(kconfig, File.ReadAllText(kconfig).Replace("\"https://192.168.0.3", "\"http://192.168.0.3", StringComparison.Ordinal));

        var finding = Assert.Single(Check(dir).Findings);

        Assert.Equal(DiagnosticCodes.HttpFirmwareUrl, finding.ErrorCode);
        Assert.Equal(SdkconfigSource.Kconfig, finding.Setting.Source);
        Assert.Equal(kconfig, finding.Setting.File);
        Assert.Contains("neither sdkconfig nor sdkconfig.defaults sets it", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_skipped_version_check_is_a_warning_that_never_blocks()
    {
        var dir = Project("advanced_https_ota");
        File.AppendAllText(Path.Combine(dir, "sdkconfig.defaults"), "CONFIG_EXAMPLE_SKIP_VERSION_CHECK=y\n");

        var report = Check(dir);

        Assert.True(report.IsSecure);
        var note = Assert.Single(report.Diagnostics(release: true));
        Assert.Equal((DiagnosticCodes.VersionCheckSkipped, Severity.Warning), (note.Code, note.Severity));
    }

    [Fact]
    public void Sdkconfig_and_defaults_disagreeing_on_a_security_option_is_reported()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "# CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE is not set\nCONFIG_ESPTOOLPY_FLASHSIZE_4MB=n\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://elsewhere/fw.bin\"\n");

        var notes = Check(dir).Notes;

        Assert.Equal(2, notes.Count);
        Assert.All(notes, n => Assert.Equal(DiagnosticCodes.SdkconfigShadowsDefaults, n.Code));
        Assert.Contains("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://elsewhere/fw.bin\"", notes[0].Message, StringComparison.Ordinal);
        Assert.Contains("Kconfig.projbuild line 3", notes[0].Message, StringComparison.Ordinal);
        Assert.Contains("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=n", notes[1].Message, StringComparison.Ordinal);
        Assert.Contains("only to options sdkconfig does not already set", notes[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fixture_build_has_no_known_configuration()
    {
        Assert.Null(SdkconfigSecurity.CheckBuild(Fixtures.SimpleOtaBuild));
    }

    [Fact]
    public void A_build_is_checked_from_its_sdkconfig_json_with_the_projects_kconfig()
    {
        var dir = Project();
        var build = Path.Combine(dir, "build");
        Directory.CreateDirectory(Path.Combine(build, "config"));
        File.WriteAllText(Path.Combine(build, "config", "sdkconfig.json"),
            "{\n    \"ESP_HTTPS_OTA_ALLOW_HTTP\": true,\n    \"ESP_TLS_INSECURE\": false,\n    \"EXAMPLE_FIRMWARE_UPGRADE_URL\": \"http://10.0.0.2/fw.bin\",\n    \"PARTITION_TABLE_OFFSET\": 32768\n}\n");
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_ESP_TLS_INSECURE=y\n"); // the build's JSON, not this, is what was compiled

        var report = SdkconfigSecurity.CheckBuild(build)!;

        Assert.Equal([DiagnosticCodes.OtaAllowHttp, DiagnosticCodes.HttpFirmwareUrl], report.Findings.Select(f => f.ErrorCode));
        Assert.All(report.Findings, f => Assert.Equal(SdkconfigSource.Build, f.Setting.Source));
        Assert.All(report.Findings, f => Assert.Contains("run `idf.py build` again", f.Message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_build_without_sdkconfig_json_is_checked_from_the_project_sdkconfig_beside_it()
    {
        var dir = Project();
        var build = _temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("simple_ota_example", "build"));
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK=y\n");

        var report = SdkconfigSecurity.CheckBuild(build)!;

        var refused = SdkconfigSecurity.ForRelease(report, allowInsecure: false);
        var allowed = SdkconfigSecurity.ForRelease(report, allowInsecure: true);
        Assert.Equal(DiagnosticCodes.SkipCommonNameCheck, Assert.Single(refused).Code);
        Assert.Contains("--allow-insecure", refused[0].Message, StringComparison.Ordinal);
        Assert.Equal((DiagnosticCodes.SkipCommonNameCheckWarning, Severity.Warning), (Assert.Single(allowed).Code, allowed[0].Severity));
        Assert.StartsWith("INSECURE RELEASE", allowed[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_view_can_be_checked_on_its_own()
    {
        var dir = Project();
        var json = Path.Combine(dir, "sdkconfig.json");
        File.WriteAllText(json, "{ \"CONFIG_ESP_TLS_INSECURE\": true, \"OTA_FIRMWARE_URL\": \"http://h/f.bin\" }");

        var report = SdkconfigSecurity.Check(SdkconfigView.FromBuildJson(json, []));

        Assert.Equal([DiagnosticCodes.InsecureTls, DiagnosticCodes.HttpFirmwareUrl], report.Findings.Select(f => f.ErrorCode));
        Assert.All(report.Findings, f => Assert.Equal(json, f.Setting.File));
    }

    [Fact]
    public void Malformed_sdkconfig_json_is_an_error_naming_it()
    {
        var dir = Project();
        var config = Path.Combine(dir, "build", "config");
        Directory.CreateDirectory(config);
        File.WriteAllText(Path.Combine(config, "sdkconfig.json"), "[1, 2");

        var e = Assert.Throws<EspReleaseException>(() => SdkconfigSecurity.CheckBuild(Path.Combine(dir, "build")));

        Assert.Equal(DiagnosticCodes.SdkconfigInvalid, e.Diagnostic.Code);
        Assert.Equal(Path.Combine(config, "sdkconfig.json"), e.Diagnostic.File);
    }
}
