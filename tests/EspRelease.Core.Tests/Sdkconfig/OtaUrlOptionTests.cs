using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

public sealed class OtaUrlOptionTests
{
    private static KconfigSymbol Symbol(string name, string type = "string", string? prompt = null) => new(name, type, prompt, null, "/p/main/Kconfig.projbuild", 1);

    private static OtaUrlOption Find(IReadOnlyList<KconfigSymbol> symbols, string? explicitName = null) =>
        OtaUrlOption.Find(symbols, ["/p/main/Kconfig.projbuild"], "/p/main/Kconfig.projbuild", explicitName);

    [Theory]
    [InlineData("simple_ota_example")]
    [InlineData("advanced_https_ota")]
    public void Both_example_projects_name_EXAMPLE_FIRMWARE_UPGRADE_URL(string example)
    {
        var kconfig = Path.Combine(Fixtures.IdfProjects, example, "main", "Kconfig.projbuild");

        var option = Find(KconfigFile.Read(kconfig));

        Assert.Equal("EXAMPLE_FIRMWARE_UPGRADE_URL", option.Name);
        Assert.Equal(kconfig, option.Symbol!.File);
        Assert.Single(option.Candidates);
        Assert.Empty(option.Warnings);
    }

    [Theory]
    [InlineData("EXAMPLE_FIRMWARE_UPGRADE_URL", null, true)]
    [InlineData("EXAMPLE_FIRMWARE_UPG_URL", null, true)]
    [InlineData("CONFIG_OTA_URL", null, true)]
    [InlineData("APP_UPDATE_URL", null, true)]
    [InlineData("SERVER_ADDRESS", "URL of the OTA image", true)]
    [InlineData("MQTT_BROKER_URL", "Broker URL", false)]
    [InlineData("QUOTA_URL", null, false)]
    [InlineData("EXAMPLE_FIRMWARE_VERSION", "Firmware version", false)]
    public void Url_options_are_recognised_by_name_or_prompt(string name, string? prompt, bool expected) =>
        Assert.Equal(expected, OtaUrlOption.LooksLikeFirmwareUrl(name, prompt));

    [Fact]
    public void The_native_examples_different_name_is_found_too()
    {
        var option = Find([Symbol("EXAMPLE_FIRMWARE_UPG_URL", prompt: "Firmware Upgrade URL"), Symbol("EXAMPLE_FIRMWARE_UPGRADE_URL_FROM_STDIN", "bool")]);

        Assert.Equal("EXAMPLE_FIRMWARE_UPG_URL", option.Name);
    }

    [Fact]
    public void With_several_candidates_the_FIRMWARE_UPG_one_wins_and_the_choice_is_reported()
    {
        var option = Find([Symbol("OTA_MIRROR_URL"), Symbol("EXAMPLE_FIRMWARE_UPGRADE_URL")]);

        Assert.Equal("EXAMPLE_FIRMWARE_UPGRADE_URL", option.Name);
        Assert.Equal(2, option.Candidates.Count);
        var warning = Assert.Single(option.Warnings);
        Assert.Equal(DiagnosticCodes.OtaUrlOptionChosen, warning.Code);
        Assert.Contains("OTA_MIRROR_URL", warning.Message, StringComparison.Ordinal);
        Assert.Contains("--option", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Several_equally_good_candidates_are_an_error_that_lists_them()
    {
        var e = Assert.Throws<EspReleaseException>(() => Find([Symbol("OTA_PRIMARY_URL"), Symbol("OTA_BACKUP_URL")]));

        Assert.Equal(DiagnosticCodes.OtaUrlOptionAmbiguous, e.Diagnostic.Code);
        Assert.Contains("OTA_PRIMARY_URL", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("OTA_BACKUP_URL", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("--option NAME", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void No_candidate_is_an_error_naming_the_kconfig_file_and_asking_for_option()
    {
        var e = Assert.Throws<EspReleaseException>(() => Find([Symbol("WIFI_SSID"), Symbol("EXAMPLE_FIRMWARE_UPGRADE_URL", "bool")]));

        Assert.Equal(DiagnosticCodes.OtaUrlOptionNotFound, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
        Assert.Equal("/p/main/Kconfig.projbuild", e.Diagnostic.File);
        Assert.StartsWith("/p/main/Kconfig.projbuild: expected a string option", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("--option NAME", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_explicit_option_wins_is_checked_for_type_and_may_come_from_outside_the_project()
    {
        var symbols = new[] { Symbol("EXAMPLE_FIRMWARE_UPGRADE_URL"), Symbol("MY_URL"), Symbol("FLAG", "bool") };

        Assert.Equal("MY_URL", Find(symbols, "CONFIG_MY_URL").Name);
        Assert.Empty(Find(symbols, "MY_URL").Warnings);

        var outside = Find(symbols, "COMPONENT_URL");
        Assert.Null(outside.Symbol);
        Assert.Equal(DiagnosticCodes.OptionNotInKconfig, Assert.Single(outside.Warnings).Code);

        var e = Assert.Throws<EspReleaseException>(() => Find(symbols, "FLAG"));
        Assert.Equal(DiagnosticCodes.OtaUrlOptionNotFound, e.Diagnostic.Code);
        Assert.Contains("bool", e.Diagnostic.Message, StringComparison.Ordinal);
    }
}
