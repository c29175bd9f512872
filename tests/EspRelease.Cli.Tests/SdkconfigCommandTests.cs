using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>sdkconfig get, set, url and check, and the pack guard, through the real command tree on copies of the fixture projects.</summary>
public sealed class SdkconfigCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    private string Project(string example = "simple_ota_example") => _temp.CopyTree(Path.Combine(Fixtures.IdfProjects, example), example);

    private static string RealSdkconfig => Path.Combine(Fixtures.Sdkconfigs, "esp32s3_hello_world_idf5.3.1", "sdkconfig");

    [Fact]
    public void The_command_tree_has_the_four_subcommands_and_pack_and_publish_take_allow_insecure()
    {
        var root = EspReleaseRootCommand.Create();

        var sdkconfig = Assert.Single(root.Subcommands, c => c.Name == "sdkconfig");
        Assert.Equal(["get", "set", "url", "check"], sdkconfig.Subcommands.Select(c => c.Name));
        Assert.Empty(root.Parse(["pack", "build", "--allow-insecure"]).Errors);
        Assert.Empty(root.Parse(["publish", "build", "--to", "dir:x", "--allow-insecure"]).Errors);
        Assert.Empty(root.Parse(["sdkconfig", "set", "A", "y", "--defaults", "--project", "p", "--json"]).Errors);
    }

    [Fact]
    public async Task Get_without_sdkconfig_says_the_value_comes_from_the_defaults_or_the_kconfig_default()
    {
        var dir = Project();

        var url = await Run("sdkconfig", "get", "EXAMPLE_FIRMWARE_UPGRADE_URL", "--project", dir);
        var bundle = await Run("sdkconfig", "get", "CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH", "--project", dir, "--json");

        Assert.True(url.Exit == 0, url.Err);
        Assert.StartsWith("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://192.168.0.3:8070/hello_world.bin\"", url.Out, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir, "main", "Kconfig.projbuild") + " line 3 (the Kconfig default", url.Out, StringComparison.Ordinal);
        Assert.True(bundle.Exit == 0, bundle.Err);
        using var doc = JsonDocument.Parse(bundle.Out);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH", root.GetProperty("option").GetString());
        Assert.Equal("server_certs/ca_cert.pem", root.GetProperty("value").GetString());
        Assert.Equal("string", root.GetProperty("type").GetString());
        Assert.Equal("sdkconfig.defaults", root.GetProperty("source").GetString());
        Assert.Equal(Path.Combine(dir, "sdkconfig.defaults"), root.GetProperty("file").GetString());
        Assert.Equal(9, root.GetProperty("line").GetInt32());
    }

    [Fact]
    public async Task Get_reads_sdkconfig_when_it_sets_the_option_and_notes_when_a_fresh_build_differs()
    {
        var dir = Project();
        File.Copy(RealSdkconfig, Path.Combine(dir, "sdkconfig"));

        var flash = await Run("sdkconfig", "get", "ESPTOOLPY_FLASHSIZE", "--project", dir);
        var bundle = await Run("sdkconfig", "get", "MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE", "--project", dir, "--json");

        Assert.True(flash.Exit == 0, flash.Err);
        Assert.StartsWith("CONFIG_ESPTOOLPY_FLASHSIZE=\"2MB\"", flash.Out, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(dir, "sdkconfig") + " line", flash.Out, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(bundle.Out);
        Assert.False(doc.RootElement.GetProperty("value").GetBoolean());
        Assert.Equal("sdkconfig", doc.RootElement.GetProperty("source").GetString());
        Assert.True(doc.RootElement.GetProperty("freshBuild").GetProperty("value").GetBoolean());
    }

    [Fact]
    public async Task Get_says_when_sdkconfig_has_the_option_only_as_a_default_that_the_defaults_file_overrides()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "# default:\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=\"other.pem\"\n");

        var (exit, stdout, stderr) = await Run("sdkconfig", "get", "MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH", "--project", dir);

        Assert.True(exit == 0, stderr);
        Assert.StartsWith("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=\"server_certs/ca_cert.pem\"", stdout, StringComparison.Ordinal);
        Assert.Contains("sdkconfig line 2 has it only as a # default: value", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_of_an_option_set_nowhere_is_a_usage_error()
    {
        var dir = Project();

        var (exit, stdout, stderr) = await Run("sdkconfig", "get", "NO_SUCH_OPTION", "--project", dir, "--json");

        Assert.Equal(1, exit);
        Assert.Contains("ESPR1802", stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_folder_that_is_no_project_is_a_usage_error()
    {
        var (exit, _, stderr) = await Run("sdkconfig", "check", "--project", _temp.Path);

        Assert.Equal(1, exit);
        Assert.Contains("ESPR1804", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_patches_one_line_of_the_real_sdkconfig_in_place()
    {
        var dir = Project();
        var path = Path.Combine(dir, "sdkconfig");
        File.Copy(RealSdkconfig, path);
        var before = File.ReadAllLines(path);

        var on = await Run("sdkconfig", "set", "CONFIG_ESP_TLS_INSECURE", "y", "--project", dir);
        var after = File.ReadAllLines(path);
        var off = await Run("sdkconfig", "set", "ESP_TLS_INSECURE", "n", "--project", dir, "--json");

        Assert.True(on.Exit == 0, on.Err);
        Assert.Contains("replaced line 675", on.Out, StringComparison.Ordinal);
        Assert.Equal(before.Length, after.Length);
        Assert.Equal("CONFIG_ESP_TLS_INSECURE=y", after[674]);
        Assert.Equal(before.Where((_, i) => i != 674), after.Where((_, i) => i != 674));
        Assert.True(off.Exit == 0, off.Err);
        Assert.Equal(File.ReadAllBytes(RealSdkconfig), File.ReadAllBytes(path));
        using var doc = JsonDocument.Parse(off.Out);
        Assert.False(doc.RootElement.GetProperty("value").GetBoolean());
        Assert.Equal("replaced", doc.RootElement.GetProperty("files")[0].GetProperty("action").GetString());
    }

    [Fact]
    public async Task Set_creates_sdkconfig_and_warns_that_the_defaults_still_say_otherwise()
    {
        var dir = Project();

        var (exit, stdout, stderr) = await Run("sdkconfig", "set", "PARTITION_TABLE_TWO_OTA_LARGE", "n", "--project", dir);

        Assert.True(exit == 0, stderr);
        Assert.Contains("created the file", stdout, StringComparison.Ordinal);
        Assert.Equal("# CONFIG_PARTITION_TABLE_TWO_OTA_LARGE is not set\n", File.ReadAllText(Path.Combine(dir, "sdkconfig")));
        Assert.Contains("ESPR2803", stderr, StringComparison.Ordinal);
        Assert.Contains("--defaults", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_defaults_changes_only_sdkconfig_defaults_and_warns_when_sdkconfig_shadows_it()
    {
        var dir = Project();
        File.Copy(RealSdkconfig, Path.Combine(dir, "sdkconfig"));
        var sdkconfigBefore = File.ReadAllBytes(Path.Combine(dir, "sdkconfig"));

        var (exit, _, stderr) = await Run("sdkconfig", "set", "MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN", "n", "--defaults", "--project", dir);

        Assert.True(exit == 0, stderr);
        Assert.Equal(sdkconfigBefore, File.ReadAllBytes(Path.Combine(dir, "sdkconfig")));
        Assert.Contains("# CONFIG_MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN is not set\n", File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults")), StringComparison.Ordinal);
        Assert.DoesNotContain("ESPR2803", stderr, StringComparison.Ordinal); // sdkconfig says n as well

        var again = await Run("sdkconfig", "set", "MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH", "certs/other.pem", "--defaults", "--project", dir);
        Assert.True(again.Exit == 0, again.Err);
        Assert.Contains("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=\"certs/other.pem\"\n", File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Set_refuses_a_value_of_the_wrong_type_and_options_esp_idf_owns()
    {
        var dir = Project();

        var wrongType = await Run("sdkconfig", "set", "EXAMPLE_SKIP_COMMON_NAME_CHECK", "maybe", "--project", dir);
        var target = await Run("sdkconfig", "set", "IDF_TARGET", "esp32", "--project", dir);

        Assert.Equal(1, wrongType.Exit);
        Assert.Contains("ESPR1803", wrongType.Err, StringComparison.Ordinal);
        Assert.Equal(1, target.Exit);
        Assert.Contains("idf.py set-target", target.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "sdkconfig")));
    }

    [Theory]
    [InlineData("simple_ota_example")]
    [InlineData("advanced_https_ota")]
    public async Task Url_without_sdkconfig_patches_sdkconfig_defaults_only(string example)
    {
        var dir = Project(example);
        var before = File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults"));

        var (exit, stdout, stderr) = await Run("sdkconfig", "url", "https://ota.example.com/fw/app.bin", "--project", dir, "--json");

        Assert.True(exit == 0, stderr);
        Assert.Equal(before + "CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/fw/app.bin\"\n", File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults")));
        Assert.False(File.Exists(Path.Combine(dir, "sdkconfig")));
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL", doc.RootElement.GetProperty("option").GetString());
        Assert.Equal(Path.Combine(dir, "main", "Kconfig.projbuild"), doc.RootElement.GetProperty("kconfig").GetString());
        var file = Assert.Single(doc.RootElement.GetProperty("files").EnumerateArray());
        Assert.Equal("appended", file.GetProperty("action").GetString());
        Assert.Empty(doc.RootElement.GetProperty("warnings").EnumerateArray());

        var get = await Run("sdkconfig", "get", "EXAMPLE_FIRMWARE_UPGRADE_URL", "--project", dir);
        Assert.StartsWith("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/fw/app.bin\"", get.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_patches_sdkconfig_and_defaults_and_replaces_a_default_marked_line_in_place()
    {
        var dir = Project();
        const string sdkconfig = "#\r\n# Example Configuration\r\n#\r\n# default:\r\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://192.168.0.3:8070/hello_world.bin\"\r\n# CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK is not set\r\n# end of Example Configuration\r\n";
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), sdkconfig);

        var (exit, stdout, stderr) = await Run("sdkconfig", "url", "https://ota.example.com/a \"b\".bin".Replace(" ", "%20", StringComparison.Ordinal), "--project", dir);

        Assert.True(exit == 0, stderr);
        Assert.Equal("#\r\n# Example Configuration\r\n#\r\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/a%20\\\"b\\\".bin\"\r\n# CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK is not set\r\n# end of Example Configuration\r\n",
            File.ReadAllText(Path.Combine(dir, "sdkconfig")));
        Assert.EndsWith("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/a%20\\\"b\\\".bin\"\n", File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults")), StringComparison.Ordinal);
        Assert.Contains("removed the '# default:' line", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("warning", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_warns_when_sdkconfig_lacked_the_option_and_when_it_disagrees_with_the_defaults()
    {
        var dir = Project();
        File.Copy(RealSdkconfig, Path.Combine(dir, "sdkconfig"));

        var (exit, _, stderr) = await Run("sdkconfig", "url", "https://ota.example.com/fw.bin", "--project", dir);

        Assert.True(exit == 0, stderr);
        Assert.Contains("warning ESPR2803: " + Path.Combine(dir, "sdkconfig") + " did not contain CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL", stderr, StringComparison.Ordinal);
        Assert.Contains("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE=n, but a build without sdkconfig", stderr, StringComparison.Ordinal);
        Assert.EndsWith("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/fw.bin\"\n", File.ReadAllText(Path.Combine(dir, "sdkconfig")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Url_with_http_is_written_with_a_warning_and_then_refused_for_a_release()
    {
        var dir = Project();

        var url = await Run("sdkconfig", "url", "http://192.168.1.10:8070/fw.bin", "--project", dir);
        var check = await Run("sdkconfig", "check", "--release", "--project", dir);

        Assert.True(url.Exit == 0, url.Err);
        Assert.Contains("warning ESPR2814", url.Err, StringComparison.Ordinal);
        Assert.Contains("CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP", url.Err, StringComparison.Ordinal);
        Assert.Equal(2, check.Exit);
        Assert.Contains("error ESPR1814", check.Err, StringComparison.Ordinal);
        Assert.Contains("refused", check.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ftp://ota.example.com/fw.bin")]
    [InlineData("ota.example.com/fw.bin")]
    [InlineData("https://ota.example.com/my fw.bin")]
    [InlineData("https://")]
    public async Task Url_refuses_anything_but_an_http_or_https_url(string url)
    {
        var dir = Project();
        var before = File.ReadAllBytes(Path.Combine(dir, "sdkconfig.defaults"));

        var (exit, _, stderr) = await Run("sdkconfig", "url", url, "--project", dir);

        Assert.Equal(1, exit);
        Assert.Contains("error ESPR1807", stderr, StringComparison.Ordinal);
        Assert.Contains("https://", stderr, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(dir, "sdkconfig.defaults")));
    }

    [Fact]
    public async Task Url_without_a_url_option_in_kconfig_asks_for_option_and_option_works()
    {
        var dir = Project();
        var kconfig = Path.Combine(dir, "main", "Kconfig.projbuild");
        File.WriteAllText(kconfig, "menu \"Example\"\n    config SERVER_ADDRESS\n        string \"Server address\"\nendmenu\n");

        var missing = await Run("sdkconfig", "url", "https://ota.example.com/fw.bin", "--project", dir);
        var explicitOption = await Run("sdkconfig", "url", "https://ota.example.com/fw.bin", "--option", "CONFIG_SERVER_ADDRESS", "--project", dir);

        Assert.Equal(1, missing.Exit);
        Assert.Contains("error ESPR1805: " + kconfig, missing.Err, StringComparison.Ordinal);
        Assert.Contains("--option NAME", missing.Err, StringComparison.Ordinal);
        Assert.True(explicitOption.Exit == 0, explicitOption.Err);
        Assert.EndsWith("CONFIG_SERVER_ADDRESS=\"https://ota.example.com/fw.bin\"\n", File.ReadAllText(Path.Combine(dir, "sdkconfig.defaults")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Check_reports_insecure_switches_as_warnings_and_refuses_them_with_release()
    {
        var dir = Project();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_ESP_TLS_INSECURE=y\nCONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y\n");
        File.AppendAllText(Path.Combine(dir, "sdkconfig.defaults"), "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\nCONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK=y\n");

        var report = await Run("sdkconfig", "check", "--project", dir);
        var release = await Run("sdkconfig", "check", "--release", "--project", dir);
        var json = await Run("sdkconfig", "check", "--release", "--project", dir, "--json");

        Assert.Equal(0, report.Exit);
        foreach (var code in new[] { "ESPR2810", "ESPR2811", "ESPR2812", "ESPR2813" })
        {
            Assert.Contains("warning " + code, report.Err, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("error ", report.Err, StringComparison.Ordinal);
        Assert.Contains("a release would be refused", report.Out, StringComparison.Ordinal);
        Assert.Equal(2, release.Exit);
        foreach (var code in new[] { "ESPR1810", "ESPR1811", "ESPR1812", "ESPR1813" })
        {
            Assert.Single(release.Err.Split('\n'), l => l.StartsWith("error " + code, StringComparison.Ordinal));
        }

        Assert.Equal(2, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        var findings = doc.RootElement.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["CONFIG_ESP_TLS_INSECURE", "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY", "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP", "CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK"],
            findings.Select(f => f.GetProperty("option").GetString()));
        Assert.Equal(["sdkconfig", "sdkconfig", "sdkconfig.defaults", "sdkconfig.defaults"], findings.Select(f => f.GetProperty("source").GetString()));
        Assert.All(findings, f => Assert.True(f.GetProperty("value").GetBoolean()));
        Assert.Equal(4, doc.RootElement.GetProperty("errors").GetArrayLength());
    }

    [Fact]
    public async Task Check_of_the_example_projects_is_clean()
    {
        foreach (var example in new[] { "simple_ota_example", "advanced_https_ota" })
        {
            var (exit, stdout, stderr) = await Run("sdkconfig", "check", "--release", "--project", Project(example), "--json");

            Assert.True(exit == 0, stderr);
            using var doc = JsonDocument.Parse(stdout);
            Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
            Assert.Equal(0, doc.RootElement.GetProperty("findings").GetArrayLength());
        }
    }

    [Fact]
    public async Task Pack_refuses_a_build_whose_project_sdkconfig_allows_http_unless_allow_insecure()
    {
        var keyPath = _temp.Combine("keys", "signing-key.pem");
        Assert.Equal(0, (await Run("keygen", "--out", keyPath)).Exit);
        var dir = Project();
        var build = _temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("simple_ota_example", "build"));
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y\n");

        var refused = await Run("pack", build, "--key", keyPath, "--out", _temp.Combine("r1"), "--allow-non-semver");
        var allowed = await Run("pack", build, "--key", keyPath, "--out", _temp.Combine("r2"), "--allow-non-semver", "--allow-insecure", "--json");

        Assert.Equal(2, refused.Exit);
        Assert.Contains("error ESPR1812", refused.Err, StringComparison.Ordinal);
        Assert.Contains("--allow-insecure", refused.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine("r1", "manifest.jws")));
        Assert.True(allowed.Exit == 0, allowed.Err);
        using var doc = JsonDocument.Parse(allowed.Out);
        var warning = Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "ESPR2812");
        Assert.StartsWith("INSECURE RELEASE", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.Combine("r2", "manifest.jws")));
    }

    [Fact]
    public async Task Pack_of_the_fixture_build_is_unchanged_by_the_guard()
    {
        var keyPath = _temp.Combine("keys", "signing-key.pem");
        Assert.Equal(0, (await Run("keygen", "--out", keyPath)).Exit);

        var (exit, _, stderr) = await Run("pack", Fixtures.SimpleOtaBuild, "--key", keyPath, "--out", _temp.Combine("rel"), "--allow-non-semver");

        Assert.True(exit == 0, stderr);
        Assert.DoesNotContain("ESPR18", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("ESPR28", stderr, StringComparison.Ordinal);
    }
}
