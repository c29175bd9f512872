using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

public sealed class KconfigFileTests
{
    private static string SimpleKconfig => Path.Combine(Fixtures.IdfProjects, "simple_ota_example", "main", "Kconfig.projbuild");

    private static string AdvancedKconfig => Path.Combine(Fixtures.IdfProjects, "advanced_https_ota", "main", "Kconfig.projbuild");

    [Fact]
    public void The_simple_example_defines_its_options_with_types_prompts_and_defaults()
    {
        var symbols = KconfigFile.Read(SimpleKconfig);

        Assert.Equal(
            ["EXAMPLE_FIRMWARE_UPGRADE_URL", "EXAMPLE_USE_CERT_BUNDLE", "EXAMPLE_FIRMWARE_UPGRADE_URL_FROM_STDIN", "EXAMPLE_SKIP_COMMON_NAME_CHECK",
             "EXAMPLE_FIRMWARE_UPGRADE_BIND_IF", "EXAMPLE_FIRMWARE_UPGRADE_BIND_IF_STA", "EXAMPLE_FIRMWARE_UPGRADE_BIND_IF_ETH",
             "EXAMPLE_FIRMWARE_UPGRADE_BIND_IF_THREAD", "EXAMPLE_TLS_DYN_BUF_RX_STATIC"],
            symbols.Select(s => s.Name));
        var url = symbols[0];
        Assert.Equal("string", url.Type);
        Assert.Equal("firmware upgrade url endpoint", url.Prompt);
        Assert.Equal("https://192.168.0.3:8070/hello_world.bin", url.Default);
        Assert.Equal(3, url.Line);
        Assert.Equal(SimpleKconfig, url.File);

        var stdin = symbols.Single(s => s.Name == "EXAMPLE_FIRMWARE_UPGRADE_URL_FROM_STDIN");
        Assert.Equal("bool", stdin.Type);
        Assert.Null(stdin.Prompt);
        Assert.Null(stdin.Default); // `default y if …`: depends on another option

        var skipCn = symbols.Single(s => s.Name == "EXAMPLE_SKIP_COMMON_NAME_CHECK");
        Assert.Equal(("bool", "Skip server certificate CN fieldcheck", "n"), (skipCn.Type, skipCn.Prompt, skipCn.Default));
        Assert.Equal("Bind ethernet interface", symbols.Single(s => s.Name == "EXAMPLE_FIRMWARE_UPGRADE_BIND_IF_ETH").Prompt);
    }

    [Fact]
    public void The_advanced_example_has_its_url_and_int_options()
    {
        var symbols = KconfigFile.Read(AdvancedKconfig);

        var url = symbols.Single(s => s.Name == "EXAMPLE_FIRMWARE_UPGRADE_URL");
        Assert.Equal(("string", "Firmware Upgrade URL", "https://192.168.2.106:8070/hello_world.bin"), (url.Type, url.Prompt, url.Default));
        var buffer = symbols.Single(s => s.Name == "EXAMPLE_OTA_BUF_SIZE");
        Assert.Equal(("int", "1024"), (buffer.Type, buffer.Default));
        Assert.Equal("MBEDTLS_SSL_IN_CONTENT_LEN", symbols.Single(s => s.Name == "EXAMPLE_HTTP_REQUEST_SIZE").Default);
        Assert.Equal(10, symbols.Count);
    }

    [Fact]
    public void Help_text_that_looks_like_kconfig_is_skipped_by_indentation()
    {
        const string text = """
            menu "Test"
                config FIRST
                    string "First"
                    default "a" # comment
                    help
                        Not a real entry:
                        config FAKE
                            bool "fake"

                        still help
                config SECOND
                	bool
                	prompt 'Second'
                	help
                	  tab-indented help
                	  config ALSO_FAKE
                config THIRD
                    def_int 5
            endmenu
            """;

        var symbols = KconfigFile.Parse(text, "Kconfig");

        Assert.Equal(["FIRST", "SECOND", "THIRD"], symbols.Select(s => s.Name));
        Assert.Equal(("string", "First", "a"), (symbols[0].Type, symbols[0].Prompt, symbols[0].Default));
        Assert.Equal(("bool", "Second"), (symbols[1].Type, symbols[1].Prompt));
        Assert.Equal(("int", "5"), (symbols[2].Type, symbols[2].Default));
    }
}
