using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

public sealed class SdkconfigProjectTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Simple() => _temp.CopyTree(Path.Combine(Fixtures.IdfProjects, "simple_ota_example"), "simple");

    [Fact]
    public void Without_sdkconfig_values_come_from_sdkconfig_defaults_then_the_kconfig_default()
    {
        var dir = Simple();

        var project = SdkconfigProject.Open(dir);

        Assert.Null(project.Sdkconfig);
        Assert.NotNull(project.Defaults);
        Assert.Equal([Path.Combine(dir, "main", "Kconfig.projbuild")], project.KconfigFiles);
        var bundle = project.Effective("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH")!;
        Assert.Equal(("server_certs/ca_cert.pem", SdkconfigSource.Defaults, 9), (bundle.Value.Text, bundle.Source, bundle.Line));
        var url = project.Effective("EXAMPLE_FIRMWARE_UPGRADE_URL")!;
        Assert.Equal(("https://192.168.0.3:8070/hello_world.bin", SdkconfigSource.Kconfig, 3), (url.Value.Text, url.Source, url.Line));
        Assert.Equal(SdkconfigValue.No, project.Effective("EXAMPLE_SKIP_COMMON_NAME_CHECK")!.Value);
        Assert.Null(project.Effective("ESP_TLS_INSECURE"));
        Assert.Null(project.Effective("EXAMPLE_FIRMWARE_UPGRADE_URL_FROM_STDIN")); // conditional default: unknown here
    }

    [Fact]
    public void A_user_set_sdkconfig_value_wins_and_a_default_marked_one_loses_to_the_defaults_file()
    {
        var dir = Simple();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"),
            "CONFIG_PARTITION_TABLE_TWO_OTA_LARGE=y\n# default:\nCONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=\"other.pem\"\n# CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE is not set\n# default:\nCONFIG_ESP_REV_MIN_FULL=0\n");

        var project = SdkconfigProject.Open(dir);

        Assert.Equal(SdkconfigSource.Sdkconfig, project.Effective("PARTITION_TABLE_TWO_OTA_LARGE")!.Source);
        var path = project.Effective("MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH")!;
        Assert.Equal(("server_certs/ca_cert.pem", SdkconfigSource.Defaults), (path.Value.Text, path.Source));
        var bundle = project.Effective("MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE")!;
        Assert.Equal((false, SdkconfigSource.Sdkconfig), (bundle.Value.IsEnabled, bundle.Source));
        var rev = project.Effective("ESP_REV_MIN_FULL")!;
        Assert.Equal((SdkconfigSource.Sdkconfig, true), (rev.Source, rev.IsDefault));
        Assert.True(project.FreshBuild("MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE")!.Value.IsEnabled);
    }

    [Fact]
    public void The_target_defaults_file_is_read_after_sdkconfig_defaults()
    {
        var dir = Simple();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_IDF_TARGET=\"esp32h2\"\n");
        File.WriteAllText(Path.Combine(dir, "sdkconfig.defaults.esp32h2"), "CONFIG_PARTITION_TABLE_TWO_OTA_LARGE=n\n");
        File.WriteAllText(Path.Combine(dir, "sdkconfig.defaults.esp32c3"), "CONFIG_ESPTOOLPY_FLASHSIZE_4MB=n\n");

        var project = SdkconfigProject.Open(dir);

        var table = project.Effective("PARTITION_TABLE_TWO_OTA_LARGE")!;
        Assert.False(table.Value.IsEnabled);
        Assert.EndsWith("sdkconfig.defaults.esp32h2", table.File, StringComparison.Ordinal);
        Assert.True(project.Effective("ESPTOOLPY_FLASHSIZE_4MB")!.Value.IsEnabled);
    }

    [Fact]
    public void An_old_name_outside_the_deprecated_block_counts_as_the_new_option()
    {
        var dir = Simple();
        File.AppendAllText(Path.Combine(dir, "sdkconfig.defaults"), "CONFIG_OTA_ALLOW_HTTP=y\n");

        var setting = SdkconfigProject.Open(dir).Effective("ESP_HTTPS_OTA_ALLOW_HTTP")!;

        Assert.True(setting.Value.IsEnabled);
        Assert.Equal("OTA_ALLOW_HTTP", setting.WrittenAs);
        Assert.Contains("old name CONFIG_OTA_ALLOW_HTTP", setting.Where, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_values_follow_the_kconfig_type_then_the_current_value_then_the_text()
    {
        var dir = Simple();
        File.WriteAllText(Path.Combine(dir, "sdkconfig"), "CONFIG_SOME_HEX=0x10\nCONFIG_SOME_TEXT=\"12\"\n");
        var project = SdkconfigProject.Open(dir);

        Assert.Equal(SdkconfigValue.OfString("12345"), project.ParseValue("EXAMPLE_FIRMWARE_UPGRADE_URL", "12345"));
        Assert.Equal(SdkconfigValue.Yes, project.ParseValue("EXAMPLE_SKIP_COMMON_NAME_CHECK", "y"));
        Assert.Equal(SdkconfigValue.OfHex("0x20"), project.ParseValue("SOME_HEX", "20"));
        Assert.Equal(SdkconfigValue.OfString("7"), project.ParseValue("SOME_TEXT", "7"));
        Assert.Equal(SdkconfigValue.OfInt("4096"), project.ParseValue("UNKNOWN_SIZE", "4096"));
        Assert.Equal(SdkconfigValue.OfHex("0x1000"), project.ParseValue("UNKNOWN_OFFSET", "0x1000"));
        Assert.Equal(SdkconfigValue.No, project.ParseValue("UNKNOWN_FLAG", "n"));
        Assert.Equal(SdkconfigValue.OfString("hello world"), project.ParseValue("UNKNOWN_TEXT", "hello world"));
        Assert.Equal(SdkconfigValue.OfString("y"), project.ParseValue("UNKNOWN_TEXT", "\"y\""));

        var e = Assert.Throws<EspReleaseException>(() => project.ParseValue("EXAMPLE_SKIP_COMMON_NAME_CHECK", "maybe"));
        Assert.Equal(DiagnosticCodes.SdkconfigValueInvalid, e.Diagnostic.Code);
        Assert.Contains("y or n", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("Kconfig.projbuild", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("IDF_TARGET")]
    [InlineData("CONFIG_IDF_TARGET_ESP32S3")]
    [InlineData("SOC_WIFI_SUPPORTED")]
    [InlineData("IDF_INIT_VERSION")]
    public void Options_esp_idf_derives_itself_are_not_writable(string name)
    {
        var e = Assert.Throws<EspReleaseException>(() => SdkconfigProject.EnsureWritable(name));

        Assert.Equal(DiagnosticCodes.SdkconfigValueInvalid, e.Diagnostic.Code);
        Assert.Contains("idf.py set-target", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_that_is_no_project_is_refused()
    {
        var e = Assert.Throws<EspReleaseException>(() => SdkconfigProject.Open(_temp.Path));

        Assert.Equal(DiagnosticCodes.IdfProjectNotFound, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
        Assert.Contains("--project", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Component_kconfig_files_are_read_too()
    {
        var dir = _temp.CopyTree(Path.Combine(Fixtures.IdfProjects, "advanced_https_ota"), "adv");
        Directory.CreateDirectory(Path.Combine(dir, "components", "updater"));
        File.WriteAllText(Path.Combine(dir, "components", "updater", "Kconfig.projbuild"), "config UPDATER_OTA_URL\n    string \"Updater URL\"\n");

        var project = SdkconfigProject.Open(dir);

        Assert.Equal(2, project.KconfigFiles.Count);
        var option = project.FindUrlOption(null);
        Assert.Equal("EXAMPLE_FIRMWARE_UPGRADE_URL", option.Name);
        Assert.Equal(2, option.Candidates.Count);
        Assert.Single(option.Warnings);
    }
}
