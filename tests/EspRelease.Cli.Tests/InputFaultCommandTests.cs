using System.Text;
using System.Text.Json;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// The input faults a mutation run found, through the tool as users run it (a child process, so an
/// unhandled exception would show as the runtime's own stack trace and exit code): each ends with a
/// message that names the file, the documented exit code and, with --json, a document that says it
/// failed. Nothing waits unbounded (CliRunner limits every run).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InputFaultCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("device")]
    [InlineData("fifo")]
    [InlineData("app_bin is /dev/zero")]
    public async Task What_is_not_a_regular_file_is_refused_at_once(string what)
    {
        var path = what switch
        {
            "device" => SpecialFiles.Zero,
            "fifo" => SpecialFiles.MakeFifo(_temp.Combine("pipe.bin")),
            _ => Build(d => NameTheApp(d, "\"/dev/zero\"")),
        };

        var run = await Tool("inspect", path);

        Assert.True(run.Exit is 1 or 2, run.Err);
        Assert.Contains("ESPR1004", run.Err, StringComparison.Ordinal);
        Assert.Contains(what == "fifo" ? "a named pipe (FIFO)" : "a character device", run.Err, StringComparison.Ordinal);
        if (what is "device" or "fifo")
        {
            // A file never read gets its error alone, not a report of an empty, invalid image.
            Assert.Equal("", run.Out.Trim());
        }
    }

    [Fact]
    public async Task Invalid_UTF_8_in_the_build_JSON_is_a_refusal_naming_the_member_not_a_crash()
    {
        var build = Build(d => BuildFileEdit.Replace(Path.Combine(d, "project_description.json"), "\"blink.bin\"", [.. "\"bl"u8, 0xFF, .. "ink.bin\""u8]));

        var inspect = await Tool("inspect", build, "--json");
        var pack = await Tool("pack", build, "--key", Key(), "--out", _temp.Combine("release"), "--allow-non-semver");

        Assert.Equal(2, inspect.Exit);
        Assert.Contains("ESPR1302", inspect.Err, StringComparison.Ordinal);
        Assert.Contains("$.app_bin", inspect.Err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(inspect.Out);
        Assert.False(doc.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal(2, pack.Exit);
        Assert.Contains("ESPR1302", pack.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", inspect.Err + pack.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_NUL_in_app_bin_is_a_refusal_not_an_ArgumentException()
    {
        var build = Build(d => NameTheApp(d, "\"bl\\u0000ink.bin\""));

        var run = await Tool("inspect", build);

        Assert.Equal(2, run.Exit);
        Assert.Contains("NUL", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("ArgumentException", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_manifest_with_a_lone_surrogate_fails_verification_with_exit_2()
    {
        var key = SigningKey.Generate();
        var payload = Encoding.UTF8.GetBytes("{\"format\":1,\"project\":\"blink\",\"version\":\"1.0.0\\ud800\"}");
        var jws = _temp.Combine("stable.jws");
        File.WriteAllText(jws, CompactJws.Sign(payload, key));
        var publicKey = _temp.Combine("key.pub.pem");
        File.WriteAllText(publicKey, key.PublicKey.ExportPem());

        var run = await Tool("verify", jws, "--key", publicKey, "--json");

        Assert.Equal(2, run.Exit);
        Assert.Contains("lone UTF-16 surrogate", run.Err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(run.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
    }

    [Fact]
    public async Task A_partition_that_wraps_past_4_GiB_is_invalid()
    {
        var table = _temp.Combine("partition-table.bin");
        File.WriteAllBytes(table, PartitionTableBuilder.Build(("nvs", 1, 2, 0x9000, 0x6000), ("ota_0", 0, 0x10, 0x10000, 0xFFFF0000 + 0x1000)));

        var run = await Tool("inspect", table);

        Assert.True(run.Exit == 2, run.Out + run.Err);
        Assert.Contains("4 GiB", run.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_the_user_may_not_read_is_named_with_the_fix()
    {
        var image = _temp.Combine("blink.bin");
        File.Copy(Fixtures.Image("esp_idf_blink_esp32s2.bin"), image);
        File.SetUnixFileMode(image, UnixFileMode.None);
        if (Environment.UserName != "root")
        {
            var own = await Tool("inspect", image);
            Assert.Equal(1, own.Exit);
            Assert.Contains("permission denied", own.Err, StringComparison.Ordinal);
            return;
        }

        // Root reads anything: run the tool as nobody, as an unprivileged user meets it.
        File.SetUnixFileMode(_temp.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var start = CliRunner.ProcessStart((IDictionary<string, string?>?)null, "inspect", image);
        start.ArgumentList.Insert(0, start.FileName);
        foreach (var arg in new[] { "--clear-groups", "--regid=65534", "--reuid=65534" })
        {
            start.ArgumentList.Insert(0, arg);
        }

        start.FileName = "setpriv";
        start.Environment["DOTNET_CLI_HOME"] = _temp.Path;
        var run = await CliRunner.RunProcess(start, ["inspect", image]);

        Assert.True(run.Exit == 1, run.Err);
        Assert.Contains($"{image}: permission denied", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("UnauthorizedAccessException", run.Err, StringComparison.Ordinal);
    }

    private static Task<(int Exit, string Out, string Err)> Tool(params string[] args) => CliRunner.RunProcess((IDictionary<string, string?>?)null, args);

    private string Build(Action<string> edit)
    {
        var dir = _temp.CopyTree(Fixtures.SimpleOtaBuild, $"build-{Guid.NewGuid():n}");
        edit(dir);
        return dir;
    }

    // The app as project_description.json and flasher_args.json (both of its entries) name it.
    private static void NameTheApp(string build, string json)
    {
        BuildFileEdit.Replace(Path.Combine(build, "project_description.json"), "\"blink.bin\"", json);
        BuildFileEdit.Replace(Path.Combine(build, "flasher_args.json"), "\"blink.bin\"", json);
        BuildFileEdit.Replace(Path.Combine(build, "flasher_args.json"), "\"blink.bin\"", json);
    }

    private string Key()
    {
        var path = _temp.Combine("signing-key.pem");
        File.WriteAllText(path, SigningKey.Generate().ExportPkcs8Pem());
        return path;
    }
}
