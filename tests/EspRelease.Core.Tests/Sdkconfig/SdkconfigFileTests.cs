using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Sdkconfig;

public sealed class SdkconfigFileTests
{
    private static string RealSdkconfig => Path.Combine(Fixtures.Sdkconfigs, "esp32s3_hello_world_idf5.3.1", "sdkconfig");

    /// <summary>Every sdkconfig-format file in the shared fixtures (sdkconfig, sdkconfig.defaults, sdkconfig.ci).</summary>
    public static TheoryData<string> FixtureFiles() => [.. FixturePaths()];

    private static List<string> FixturePaths() =>
        [.. new[] { Fixtures.Sdkconfigs, Fixtures.IdfProjects }
            .SelectMany(root => Directory.EnumerateFiles(root, "sdkconfig*", SearchOption.AllDirectories))
            .Select(file => Path.GetRelativePath(Fixtures.Root, file))
            .Order(StringComparer.Ordinal)];

    [Fact]
    public void The_fixtures_hold_the_real_sdkconfig_and_the_example_defaults()
    {
        var files = FixturePaths();
        Assert.Contains(files, f => f.EndsWith(Path.Combine("esp32s3_hello_world_idf5.3.1", "sdkconfig"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine("simple_ota_example", "sdkconfig.defaults"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(Path.Combine("advanced_https_ota", "sdkconfig.defaults"), StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith("sdkconfig.ci", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Every_fixture_file_is_written_back_byte_for_byte(string relative)
    {
        var path = Path.Combine(Fixtures.Root, relative);
        var original = File.ReadAllBytes(path);

        var file = SdkconfigFile.Parse(original, path);

        Assert.Equal(original, file.ToBytes());
        Assert.False(file.IsModified);
        Assert.NotEmpty(file.Entries);
        Assert.Empty(file.Warnings);
    }

    [Theory]
    [MemberData(nameof(FixtureFiles))]
    public void Setting_every_option_to_its_own_value_changes_nothing(string relative)
    {
        var path = Path.Combine(Fixtures.Root, relative);
        var original = File.ReadAllBytes(path);
        var file = SdkconfigFile.Parse(original, path);

        foreach (var entry in file.Entries.Where(e => !e.InDeprecatedBlock).ToList())
        {
            var change = file.Set(entry.Name, entry.Value);
            Assert.Equal(SdkconfigChangeKind.Unchanged, change.Kind);
        }

        Assert.False(file.IsModified);
        Assert.Equal(original, file.ToBytes());
    }

    [Fact]
    public void The_real_sdkconfig_reads_with_its_types_and_counts()
    {
        var file = SdkconfigFile.Load(RealSdkconfig);

        Assert.Equal(2181, file.LineCount);
        Assert.Equal(979 + 516, file.Entries.Count);
        Assert.Equal(516, file.Entries.Count(e => e.Value.Kind == SdkconfigValueKind.Bool && !e.Value.IsEnabled));
        Assert.Equal("esp32s3", file.Get("IDF_TARGET")!.Text);
        Assert.Equal(SdkconfigValueKind.Text, file.Get("CONFIG_IDF_TARGET")!.Kind);
        Assert.Equal("dio", file.Get("ESPTOOLPY_FLASHMODE")!.Text);
        Assert.Equal("80m", file.Get("ESPTOOLPY_FLASHFREQ")!.Text);
        Assert.Equal("2MB", file.Get("ESPTOOLPY_FLASHSIZE")!.Text);
        Assert.Equal("partitions_singleapp.csv", file.Get("PARTITION_TABLE_FILENAME")!.Text);
        Assert.Equal(SdkconfigValue.OfHex("0x8000"), file.Get("PARTITION_TABLE_OFFSET"));
        Assert.Equal(SdkconfigValueKind.Hex, file.Get("BOOTLOADER_OFFSET_IN_FLASH")!.Kind);
        Assert.Equal(SdkconfigValue.OfInt("99"), file.Get("ESP_REV_MAX_FULL"));
        Assert.True(file.Get("PARTITION_TABLE_SINGLE_APP")!.IsEnabled);
        Assert.True(file.Get("MBEDTLS_CERTIFICATE_BUNDLE")!.IsEnabled);
        Assert.Equal(SdkconfigValue.No, file.Get("SECURE_BOOT"));
        Assert.Equal(SdkconfigValue.No, file.Get("ESP_TLS_INSECURE"));
        Assert.Equal(SdkconfigValue.No, file.Get("ESP_HTTPS_OTA_ALLOW_HTTP"));
        Assert.Null(file.Get("EXAMPLE_FIRMWARE_UPGRADE_URL"));
    }

    [Fact]
    public void Old_names_in_the_deprecated_block_are_kept_but_not_read()
    {
        var file = SdkconfigFile.Load(RealSdkconfig);

        var old = Assert.Single(file.Entries, e => e.Name == "OTA_ALLOW_HTTP");
        Assert.True(old.InDeprecatedBlock);
        Assert.Equal(2032, old.Line);
        Assert.Null(file.Get("OTA_ALLOW_HTTP"));
        Assert.All(file.Entries.Where(e => e.Line >= 1989), e => Assert.True(e.InDeprecatedBlock));
        Assert.All(file.Entries.Where(e => e.Line < 1989), e => Assert.False(e.InDeprecatedBlock));
    }

    [Fact]
    public void Patching_the_real_sdkconfig_changes_only_that_line_and_patching_back_restores_every_byte()
    {
        var original = File.ReadAllBytes(RealSdkconfig);
        var file = SdkconfigFile.Parse(original, RealSdkconfig);

        var on = file.Set("CONFIG_ESP_TLS_INSECURE", SdkconfigValue.Yes);
        var patched = file.ToString().Split('\n');
        var before = Encoding.UTF8.GetString(original).Split('\n');

        Assert.Equal(SdkconfigChangeKind.Replaced, on.Kind);
        Assert.Equal(675, on.Line);
        Assert.Equal(SdkconfigValue.No, on.Previous);
        Assert.Equal(before.Length, patched.Length);
        var differing = Enumerable.Range(0, before.Length).Where(i => before[i] != patched[i]).ToList();
        Assert.Equal(674, Assert.Single(differing));
        Assert.Equal("CONFIG_ESP_TLS_INSECURE=y", patched[674]);

        var off = file.Set("ESP_TLS_INSECURE", SdkconfigValue.No);
        Assert.Equal(SdkconfigChangeKind.Replaced, off.Kind);
        Assert.Equal(original, file.ToBytes());
    }

    [Fact]
    public void A_string_is_written_quoted_with_backslash_and_quote_escaped_and_reads_back()
    {
        var file = SdkconfigFile.Parse("CONFIG_A=y\n", "sdkconfig");

        var change = file.Set("PATH_LIKE", SdkconfigValue.OfString("C:\\certs\\\"ca\".pem"));

        Assert.Equal(SdkconfigChangeKind.Appended, change.Kind);
        Assert.Equal("CONFIG_A=y\nCONFIG_PATH_LIKE=\"C:\\\\certs\\\\\\\"ca\\\".pem\"\n", file.ToString());
        Assert.Equal("C:\\certs\\\"ca\".pem", SdkconfigFile.Parse(file.ToString(), "sdkconfig").Get("PATH_LIKE")!.Text);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("\"a\\\"b\"", "a\"b")]
    [InlineData("\"back\\\\slash\"", "back\\slash")]
    [InlineData("\"any\\qchar\"", "anyqchar")]
    [InlineData("\"closed\" trailing junk", "closed")]
    [InlineData("\"\"", "")]
    public void String_literals_unescape_like_kconfgen(string literal, string expected)
    {
        var value = SdkconfigValue.FromLiteral(literal);

        Assert.Equal(SdkconfigValueKind.Text, value.Kind);
        Assert.Equal(expected, value.Text);
    }

    [Theory]
    [InlineData("y", SdkconfigValueKind.Bool, true)]
    [InlineData("n", SdkconfigValueKind.Bool, false)]
    [InlineData("yes", SdkconfigValueKind.Other, true)]
    [InlineData("42", SdkconfigValueKind.Number, false)]
    [InlineData("-7", SdkconfigValueKind.Number, false)]
    [InlineData("0x8000", SdkconfigValueKind.Hex, false)]
    [InlineData("", SdkconfigValueKind.Empty, false)]
    [InlineData("\"unterminated", SdkconfigValueKind.Other, false)]
    public void Literals_get_a_kind_and_only_y_counts_as_on(string literal, SdkconfigValueKind kind, bool enabled)
    {
        var value = SdkconfigValue.FromLiteral(literal);

        Assert.Equal(kind, value.Kind);
        Assert.Equal(enabled, value.IsEnabled);
    }

    [Fact]
    public void A_bool_set_to_n_becomes_the_is_not_set_line_in_place_and_back()
    {
        var file = SdkconfigFile.Parse("# top\nCONFIG_A=y\nCONFIG_B=1\n", "sdkconfig");

        file.Set("A", SdkconfigValue.No);
        Assert.Equal("# top\n# CONFIG_A is not set\nCONFIG_B=1\n", file.ToString());
        Assert.Equal(SdkconfigValue.No, file.Get("A"));

        file.Set("A", SdkconfigValue.Yes);
        Assert.Equal("# top\nCONFIG_A=y\nCONFIG_B=1\n", file.ToString());
    }

    [Fact]
    public void Crlf_files_keep_crlf_on_replaced_and_appended_lines()
    {
        const string text = "# header\r\nCONFIG_URL=\"https://a/b.bin\"\r\n\r\nCONFIG_N=3\r\n";
        var file = SdkconfigFile.Parse(text, "sdkconfig");
        Assert.Equal(text, file.ToString());
        Assert.Equal("\r\n", file.NewLine);
        Assert.Equal("https://a/b.bin", file.Get("URL")!.Text);

        file.Set("URL", SdkconfigValue.OfString("https://c/d.bin"));
        file.Set("NEW", SdkconfigValue.Yes);

        Assert.Equal("# header\r\nCONFIG_URL=\"https://c/d.bin\"\r\n\r\nCONFIG_N=3\r\nCONFIG_NEW=y\r\n", file.ToString());
    }

    [Fact]
    public void Mixed_line_endings_are_kept_line_by_line()
    {
        const string text = "CONFIG_A=y\r\nCONFIG_B=y\nCONFIG_C=y\r\n";
        var file = SdkconfigFile.Parse(text, "sdkconfig");

        file.Set("B", SdkconfigValue.No);

        Assert.Equal("CONFIG_A=y\r\n# CONFIG_B is not set\nCONFIG_C=y\r\n", file.ToString());
    }

    [Fact]
    public void A_file_without_a_final_newline_keeps_that_when_a_line_is_appended()
    {
        var file = SdkconfigFile.Parse("CONFIG_A=y", "sdkconfig.defaults");
        Assert.Equal("CONFIG_A=y", file.ToString());

        file.Set("A", SdkconfigValue.OfInt("5"));
        Assert.Equal("CONFIG_A=5", file.ToString());

        file.Set("B", SdkconfigValue.Yes);
        Assert.Equal("CONFIG_A=5\nCONFIG_B=y", file.ToString());
    }

    [Fact]
    public void A_missing_file_starts_empty_and_is_created_with_lf_lines()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("sdkconfig.defaults");

        var file = SdkconfigFile.LoadOrCreate(path);
        Assert.True(file.IsNew);
        Assert.Equal(0, file.LineCount);
        file.Set("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL", SdkconfigValue.OfString("https://ota.example.com/app.bin"));
        file.Save();

        Assert.Equal("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/app.bin\"\n", File.ReadAllText(path));
        Assert.Empty(Directory.EnumerateFiles(temp.Path, "*.tmp"));
        Assert.Equal("https://ota.example.com/app.bin", SdkconfigFile.Load(path).Get("EXAMPLE_FIRMWARE_UPGRADE_URL")!.Text);
    }

    [Fact]
    public void A_default_marker_makes_the_next_line_a_default_and_setting_it_removes_the_marker()
    {
        const string text = "#\n# Example Configuration\n#\n# default:\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://192.168.0.3:8070/hello_world.bin\"\n# default:\n# CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK is not set\nCONFIG_USER=y\n# end of Example Configuration\n";
        var file = SdkconfigFile.Parse(text, "sdkconfig");

        Assert.True(file.Find("EXAMPLE_FIRMWARE_UPGRADE_URL")!.IsDefault);
        Assert.True(file.Find("EXAMPLE_SKIP_COMMON_NAME_CHECK")!.IsDefault);
        Assert.False(file.Find("USER")!.IsDefault);
        Assert.Equal(text, file.ToString());

        var change = file.Set("EXAMPLE_FIRMWARE_UPGRADE_URL", SdkconfigValue.OfString("https://ota.example.com/fw.bin"));

        Assert.True(change.RemovedDefaultMarker);
        Assert.Equal(4, change.Line);
        Assert.Equal("#\n# Example Configuration\n#\nCONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://ota.example.com/fw.bin\"\n# default:\n# CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK is not set\nCONFIG_USER=y\n# end of Example Configuration\n", file.ToString());
        Assert.False(file.Find("EXAMPLE_FIRMWARE_UPGRADE_URL")!.IsDefault);
        Assert.True(file.Find("EXAMPLE_SKIP_COMMON_NAME_CHECK")!.IsDefault);
    }

    [Fact]
    public void A_line_that_already_means_the_value_is_left_as_written()
    {
        var file = SdkconfigFile.Parse("CONFIG_A=n\nCONFIG_B=0x08000\n", "sdkconfig.defaults");

        Assert.Equal(SdkconfigChangeKind.Unchanged, file.Set("A", SdkconfigValue.No).Kind);
        Assert.Equal(SdkconfigChangeKind.Unchanged, file.Set("B", SdkconfigValue.OfHex("0x8000")).Kind);
        Assert.False(file.IsModified);

        Assert.Equal(SdkconfigChangeKind.Replaced, file.Set("A", SdkconfigValue.Yes).Kind);
        Assert.Equal("CONFIG_A=y\nCONFIG_B=0x08000\n", file.ToString());
    }

    [Fact]
    public void Setting_a_default_marked_option_to_the_same_value_still_makes_it_user_set()
    {
        var file = SdkconfigFile.Parse("# default:\nCONFIG_A=y\n", "sdkconfig");

        var change = file.Set("A", SdkconfigValue.Yes);

        Assert.Equal(SdkconfigChangeKind.Replaced, change.Kind);
        Assert.True(change.RemovedDefaultMarker);
        Assert.Equal("CONFIG_A=y\n", file.ToString());
    }

    [Fact]
    public void Appended_lines_never_get_a_default_marker_and_a_marker_only_applies_to_the_line_right_after_it()
    {
        var file = SdkconfigFile.Parse("# default:\n\nCONFIG_A=y\n", "sdkconfig");
        Assert.False(file.Find("A")!.IsDefault);

        file.Set("B", SdkconfigValue.Yes);

        Assert.Equal("# default:\n\nCONFIG_A=y\nCONFIG_B=y\n", file.ToString());
        Assert.False(file.Find("B")!.IsDefault);
    }

    [Fact]
    public void The_later_of_two_assignments_wins_is_reported_and_set_rewrites_both()
    {
        var file = SdkconfigFile.Parse("CONFIG_A=1\nCONFIG_B=y\nCONFIG_A=2\n", "sdkconfig");

        Assert.Equal("2", file.Get("A")!.Text);
        var warning = Assert.Single(file.Warnings);
        Assert.Equal(DiagnosticCodes.SdkconfigDuplicateOption, warning.Code);
        Assert.Contains("line 1", warning.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", warning.Message, StringComparison.Ordinal);

        file.Set("A", SdkconfigValue.OfInt("3"));
        Assert.Equal("CONFIG_A=3\nCONFIG_B=y\nCONFIG_A=3\n", file.ToString());
    }

    [Fact]
    public void Malformed_lines_are_reported_with_their_line_and_kept()
    {
        const string text = "CONFIG_A=y\nthis is not config\n  CONFIG_B=y\nCONFIG_S=\"open\n";
        var file = SdkconfigFile.Parse(text, "/p/sdkconfig");

        var warnings = file.Warnings;

        Assert.Equal(3, warnings.Count);
        Assert.All(warnings, w => Assert.Equal(DiagnosticCodes.SdkconfigMalformedLine, w.Code));
        Assert.Contains("line 2", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains("line 3", warnings[1].Message, StringComparison.Ordinal);
        Assert.Contains("line 4", warnings[2].Message, StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.Equal("/p/sdkconfig", w.File));
        Assert.Null(file.Get("B"));
        Assert.Equal(text, file.ToString());
    }

    [Fact]
    public void Trailing_whitespace_is_ignored_when_reading_and_kept_when_writing()
    {
        const string text = "CONFIG_A=y  \n# CONFIG_B is not set\t\n";
        var file = SdkconfigFile.Parse(text, "sdkconfig");

        Assert.True(file.Get("A")!.IsEnabled);
        Assert.Equal(SdkconfigValue.No, file.Get("B"));
        Assert.Equal(text, file.ToString());
    }

    [Fact]
    public void A_byte_order_mark_is_kept()
    {
        byte[] bytes = [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes("CONFIG_A=\"ü\"\n")];
        var file = SdkconfigFile.Parse(bytes, "sdkconfig");

        Assert.True(file.HasBom);
        Assert.Equal("ü", file.Get("A")!.Text);
        Assert.Equal(bytes, file.ToBytes());
    }

    [Fact]
    public void Bytes_that_are_not_utf8_are_refused_naming_the_file()
    {
        var e = Assert.Throws<EspReleaseException>(() => SdkconfigFile.Parse([(byte)'C', 0xFF, 0xFE, (byte)'\n'], "/p/sdkconfig"));

        Assert.Equal(DiagnosticCodes.SdkconfigInvalid, e.Diagnostic.Code);
        Assert.StartsWith("/p/sdkconfig: expected UTF-8", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_a_usage_error()
    {
        var e = Assert.Throws<EspReleaseException>(() => SdkconfigFile.Load(Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():n}", "sdkconfig")));

        Assert.Equal(DiagnosticCodes.FileNotFound, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Theory]
    [InlineData("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL", "EXAMPLE_FIRMWARE_UPGRADE_URL")]
    [InlineData("EXAMPLE_FIRMWARE_UPGRADE_URL", "EXAMPLE_FIRMWARE_UPGRADE_URL")]
    [InlineData(" ESP_TLS_INSECURE ", "ESP_TLS_INSECURE")]
    public void Names_are_accepted_with_or_without_the_prefix(string key, string name) =>
        Assert.Equal(name, SdkconfigFile.NormalizeName(key));

    [Theory]
    [InlineData("")]
    [InlineData("CONFIG_")]
    [InlineData("A=B")]
    [InlineData("WITH SPACE")]
    public void Names_that_are_not_symbols_are_refused(string key)
    {
        var e = Assert.Throws<EspReleaseException>(() => SdkconfigFile.NormalizeName(key));

        Assert.Equal(DiagnosticCodes.SdkconfigValueInvalid, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Fact]
    public void Strings_with_line_breaks_cannot_be_written()
    {
        Assert.Throws<ArgumentException>(() => SdkconfigValue.OfString("a\nb"));
        Assert.Throws<ArgumentException>(() => SdkconfigValue.OfString("a\rb"));
    }

    [Fact]
    public void Hex_values_are_written_with_the_0x_prefix_and_compare_by_number()
    {
        Assert.Equal("0x1f", SdkconfigValue.OfHex("1f").Literal);
        Assert.True(SdkconfigValue.OfHex("0x8000").SameAs(SdkconfigValue.FromLiteral("0x08000")));
        Assert.True(SdkconfigValue.FromLiteral("n").SameAs(SdkconfigValue.No));
        Assert.False(SdkconfigValue.OfString("1").SameAs(SdkconfigValue.OfInt("1")));
        Assert.Throws<FormatException>(() => SdkconfigValue.OfHex("0xZZ"));
        Assert.Throws<FormatException>(() => SdkconfigValue.OfInt("12a"));
    }
}
