using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>The inspect verb end to end through the real command tree, with stdout and stderr captured.</summary>
public sealed class InspectCommandTests
{
    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public async Task Build_directory_json_has_the_documented_members()
    {
        var (exit, stdout, _) = await Run("inspect", Fixtures.SimpleOtaBuild, "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("app", root.GetProperty("kind").GetString());
        Assert.Equal("ESP32-S2", root.GetProperty("chip").GetString());
        Assert.Equal(2, root.GetProperty("chipId").GetInt32());
        Assert.Equal(0x40022f84, root.GetProperty("entry").GetInt64());
        Assert.Equal(182368, root.GetProperty("size").GetInt64());
        Assert.Equal("a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12", root.GetProperty("sha256").GetString());
        Assert.Equal("DIO", root.GetProperty("flashMode").GetString());
        Assert.Equal("80m", root.GetProperty("flashFrequency").GetString());
        Assert.Equal("2MB", root.GetProperty("flashSize").GetString());
        Assert.Equal(0, root.GetProperty("minChipRevision").GetInt32());
        Assert.Equal(0, root.GetProperty("maxChipRevision").GetInt32());
        Assert.Equal(6, root.GetProperty("segments").GetArrayLength());
        var segment = root.GetProperty("segments")[1];
        Assert.Equal(0x3ffbde90, segment.GetProperty("loadAddress").GetInt64());
        Assert.Equal(0x204c, segment.GetProperty("length").GetInt64());
        Assert.Equal(0x8c38, segment.GetProperty("fileOffset").GetInt64());
        Assert.Equal(["BYTE_ACCESSIBLE", "MEM_INTERNAL", "DRAM"], segment.GetProperty("memoryTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0x18, root.GetProperty("checksum").GetProperty("stored").GetInt32());
        Assert.True(root.GetProperty("checksum").GetProperty("valid").GetBoolean());
        Assert.Equal("10f48f4a71a48cc4c917d70d13bf717b1bc7f3187b3d564b00192f7e381531b7", root.GetProperty("hash").GetProperty("computed").GetString());
        var app = root.GetProperty("app");
        Assert.Equal("blink", app.GetProperty("projectName").GetString());
        Assert.Equal("qa-test-v5.0-20220830-4-g4532e6", app.GetProperty("version").GetString());
        Assert.Equal(0, app.GetProperty("secureVersion").GetInt32());
        Assert.Equal("v5.0-beta1-427-g4532e6e0b2-dirt", app.GetProperty("idfVersion").GetString());
        Assert.Equal("Sep 13 2022", app.GetProperty("compileDate").GetString());
        Assert.Equal("19:46:07", app.GetProperty("compileTime").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("signatures").ValueKind);
        Assert.True(root.GetProperty("valid").GetBoolean());
        Assert.Equal(0, root.GetProperty("errors").GetArrayLength());
        Assert.Equal(5, root.GetProperty("partitionTable").GetProperty("entries").GetArrayLength());
        Assert.Equal(2, root.GetProperty("partitionTable").GetProperty("otaSlots").GetArrayLength());
        Assert.All(root.GetProperty("crossChecks").EnumerateArray(), c => Assert.True(c.GetProperty("passed").GetBoolean()));
    }

    [Fact]
    public async Task Corrupt_image_exits_2_with_the_error_on_stderr()
    {
        using var dir = new TempDirectory();
        var bytes = File.ReadAllBytes(Fixtures.Image("esp_idf_blink_esp32s2.bin"));
        bytes[0x12345] ^= 0x40;
        var path = dir.Combine("blink.bin");
        File.WriteAllBytes(path, bytes);

        var (exit, stdout, stderr) = await Run("inspect", path);

        Assert.Equal(2, exit);
        Assert.Contains("INVALID", stdout, StringComparison.Ordinal);
        Assert.Contains("error ESPR1107", stderr, StringComparison.Ordinal);
        Assert.Contains("error ESPR1108", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Corrupt_image_json_lists_the_errors()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("empty.bin");
        File.WriteAllBytes(path, []);

        var (exit, stdout, _) = await Run("inspect", path, "--json");

        Assert.Equal(2, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("not-an-image", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal("ESPR1101", doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task Msbuild_format_names_the_file()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("page.bin");
        File.WriteAllText(path, "<html><title>403 Forbidden</title></html>");

        var (exit, _, stderr) = await Run("inspect", path, "--diagnostics-format", "msbuild");

        Assert.Equal(2, exit);
        Assert.StartsWith($"{path} : error ESPR1102: ", stderr, StringComparison.Ordinal);
        Assert.Contains("403 Forbidden", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partition_table_is_recognised()
    {
        var (exit, stdout, _) = await Run("inspect", Path.Combine(Fixtures.Partitions, "partitions_two_ota_large.bin"), "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("partition-table", doc.RootElement.GetProperty("kind").GetString());
        Assert.Equal(0x1A9000, doc.RootElement.GetProperty("smallestOtaSlotSize").GetInt64());
        Assert.Equal(3072, doc.RootElement.GetProperty("size").GetInt64());
        // The format spec's test vector for the 3072-byte binary of partitions_two_ota_large.csv.
        Assert.Equal("41d8ef7960bf03647249e26ca1ace2b8d35f317a87f6c2ff5bc9f4bdbdbf602b", doc.RootElement.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Esp8266_image_text_shows_esptools_header_fields_and_the_refusal()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("eboot.bin");
        File.WriteAllBytes(path, Esp8266ImageBuilder.ArduinoEboot().Build());

        var (exit, stdout, stderr) = await Run("inspect", path);

        Assert.Equal(2, exit);
        Assert.Equal(
            $"""
            {path}: ESP8266 image (version 1), 1408 bytes — INVALID
              image version   1
              entry           0x4010f29c
              flash           DIO, 40m, 4MB
              checksum        0x5c (valid)
              segments:
                 #  load addr   length    file offs   memory types
                 0  0x4010f000  0x000568  0x00000008
            """,
            string.Join("\n", stdout.TrimEnd().Split('\n').Where(l => !l.StartsWith("  sha256", StringComparison.Ordinal)).Select(l => l.TrimEnd())));
        var error = Assert.Single(stderr.TrimEnd().Split('\n'));
        Assert.StartsWith($"error ESPR1117: {path}: an ESP8266 image", error, StringComparison.Ordinal);
        Assert.DoesNotContain("hash_appended", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esp8266_image_json_has_the_header_fields_and_one_error()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("boot.bin");
        File.WriteAllBytes(path, Esp8266ImageBuilder.NonOsBootloader().Build());

        var (exit, stdout, _) = await Run("inspect", path, "--json");

        Assert.Equal(2, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.Equal("esp8266", root.GetProperty("kind").GetString());
        Assert.Equal("ESP8266", root.GetProperty("chip").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("chipId").ValueKind);
        Assert.Equal(1, root.GetProperty("imageVersion").GetInt32());
        Assert.Equal(0x40100294, root.GetProperty("entry").GetInt64());
        Assert.Equal("QIO", root.GetProperty("flashMode").GetString());
        Assert.Equal("40m", root.GetProperty("flashFrequency").GetString());
        Assert.Equal("512KB", root.GetProperty("flashSize").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("minChipRevision").ValueKind);
        Assert.Equal(2752, root.GetProperty("imageLength").GetInt64());
        var segments = root.GetProperty("segments");
        Assert.Equal(3, segments.GetArrayLength());
        Assert.Equal(0x3ffe8308, segments[2].GetProperty("loadAddress").GetInt64());
        Assert.Equal(0x21c, segments[2].GetProperty("length").GetInt64());
        Assert.Equal(0x894, segments[2].GetProperty("fileOffset").GetInt64());
        Assert.Equal(["DRAM"], segments[2].GetProperty("memoryTypes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0x11, root.GetProperty("checksum").GetProperty("stored").GetInt32());
        Assert.True(root.GetProperty("checksum").GetProperty("valid").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("hash").ValueKind);
        Assert.False(root.GetProperty("valid").GetBoolean());
        var error = Assert.Single(root.GetProperty("errors").EnumerateArray());
        Assert.Equal("ESPR1117", error.GetProperty("code").GetString());
        Assert.Contains("not supported by this tool", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_path_is_a_usage_error()
    {
        var (exit, _, stderr) = await Run("inspect", "no/such/file.bin");

        Assert.Equal(1, exit);
        Assert.Contains("no/such/file.bin: no such file or directory", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_that_is_not_a_build_is_a_usage_error()
    {
        using var dir = new TempDirectory();
        var (exit, _, stderr) = await Run("inspect", dir.Path);

        Assert.Equal(1, exit);
        Assert.Contains("not an idf.py build directory", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Inspect_requires_a_path()
    {
        var parse = EspReleaseRootCommand.Create().Parse("inspect");
        Assert.NotEmpty(parse.Errors);
    }

    [Fact]
    public async Task Help_teaches_the_verb()
    {
        var (exit, stdout, _) = await Run("inspect", "--help");

        Assert.Equal(0, exit);
        Assert.Contains("--json", stdout, StringComparison.Ordinal);
        Assert.Contains("build directory", stdout, StringComparison.Ordinal);
    }
}
