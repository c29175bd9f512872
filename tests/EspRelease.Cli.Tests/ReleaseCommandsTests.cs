using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>keygen, pack, publish, verify, promote and rollback through the real command tree.</summary>
public sealed class ReleaseCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    private async Task<string> Keygen(string name = "signing-key.pem")
    {
        var path = _temp.Combine("keys", name);
        var (exit, _, err) = await Run("keygen", "--out", path);
        Assert.True(exit == 0, err);
        return path;
    }

    [Fact]
    public async Task Keygen_writes_a_private_key_only_its_owner_can_read_and_a_public_key_beside_it()
    {
        var path = _temp.Combine("keys", "signing-key.pem");

        var (exit, stdout, _) = await Run("keygen", "--out", path, "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var keyId = doc.RootElement.GetProperty("keyId").GetString()!;
        Assert.Equal(43, keyId.Length);
        Assert.Equal(_temp.Combine("keys", "signing-key.pub.pem"), doc.RootElement.GetProperty("publicKey").GetString());
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", File.ReadAllText(_temp.Combine("keys", "signing-key.pub.pem")), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.DoesNotContain(File.ReadAllText(path).Split('\n')[1], stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keygen_never_overwrites_a_key_unless_forced()
    {
        var path = await Keygen();
        var before = File.ReadAllText(path);

        var (exit, _, err) = await Run("keygen", "--out", path);
        Assert.Equal(1, exit);
        Assert.Contains("ESPR1504", err, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(path));

        Assert.Equal(0, (await Run("keygen", "--out", path, "--force")).Exit);
        Assert.NotEqual(before, File.ReadAllText(path));
    }

    [Fact]
    public async Task The_README_release_packs_publishes_and_verifies_the_fixture_build()
    {
        var key = await Keygen();
        var release = _temp.Combine("release");
        var site = _temp.Combine("site");

        var pack = await Run("pack", Fixtures.SimpleOtaBuild, "--key", key, "--out", release, "--allow-non-semver", "--factory");
        var publish = await Run("publish", release, "--to", "dir:" + site, "--key", key, "--json");
        var verify = await Run("verify", "dir:" + site, "--key", KeygenPublic(key));

        Assert.True(pack.Exit == 0, pack.Err);
        Assert.Contains("Packed blink qa-test-v5.0-20220830-4-g4532e6 for esp32s2", pack.Out, StringComparison.Ordinal);
        Assert.Contains("ESPR2402", pack.Err, StringComparison.Ordinal);
        Assert.True(publish.Exit == 0, publish.Err);
        using var doc = JsonDocument.Parse(publish.Out);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(1, doc.RootElement.GetProperty("sequence").GetInt64());
        Assert.Equal("stable", doc.RootElement.GetProperty("manifest").GetProperty("channel").GetString());
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.Contains("Verified", verify.Out, StringComparison.Ordinal);
        Assert.Contains("valid image", verify.Out, StringComparison.Ordinal);
        var factory = Path.Combine(site, "releases", "blink", "qa-test-v5.0-20220830-4-g4532e6", "factory", "blink-qa-test-v5.0-20220830-4-g4532e6-esp32s2.factory.bin");
        Assert.Equal(File.ReadAllBytes(Path.Combine(release, "factory", Path.GetFileName(factory))), File.ReadAllBytes(factory));
    }

    [Fact]
    public async Task Publish_packs_a_build_directory_first_and_promote_and_rollback_move_channels()
    {
        var key = await Keygen();
        var site = "dir:" + _temp.Combine("site");
        var v1 = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        var v2 = BuildDirectoryBuilder.Create(_temp, "1.1.0");

        var first = await Run("publish", v1, "--to", site, "--key", key, "--channel", "beta");
        Assert.True(first.Exit == 0, first.Err);
        var second = await Run("publish", v2, "--to", site, "--key", key, "--channel", "beta");
        Assert.True(second.Exit == 0, second.Err);
        var promote = await Run("promote", "--host", site, "--from", "beta", "--to", "stable", "--version", "1.1.0", "--key", key);
        var rollback = await Run("rollback", "--host", site, "--channel", "beta", "--key", key, "--json");

        Assert.True(promote.Exit == 0, promote.Err);
        Assert.Contains("Promoted blink 1.1.0 to channel 'stable'", promote.Out, StringComparison.Ordinal);
        Assert.True(rollback.Exit == 0, rollback.Err);
        using var doc = JsonDocument.Parse(rollback.Out);
        Assert.Equal("1.0.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal("1.1.0", doc.RootElement.GetProperty("previousVersion").GetString());
        Assert.Equal(3, doc.RootElement.GetProperty("sequence").GetInt64());
        var verify = await Run("verify", site, "--key", key, "--json");
        using var verified = JsonDocument.Parse(verify.Out);
        Assert.Equal(2, verified.RootElement.GetProperty("verified").GetArrayLength());
    }

    [Fact]
    public async Task A_refused_release_exits_2_with_the_code_and_file_and_a_json_failure_document()
    {
        var key = await Keygen();
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        var app = Path.Combine(build, "blink.bin");
        var bytes = File.ReadAllBytes(app);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(app, bytes);

        var (exit, stdout, stderr) = await Run("pack", build, "--key", key, "--json", "--diagnostics-format", "msbuild");

        Assert.Equal(2, exit);
        Assert.Contains($"{app} : error ESPR1108:", stderr, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(stdout);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("ESPR1108", doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("pack")]
    [InlineData("publish")]
    public async Task A_build_whose_app_is_an_ESP8266_image_is_refused_with_why(string verb)
    {
        var key = await Keygen();
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        var app = Path.Combine(build, "blink.bin");
        File.WriteAllBytes(app, Esp8266ImageBuilder.ArduinoEboot().Build());
        string[] where = verb == "pack" ? ["--out", _temp.Combine("release")] : ["--to", "dir:" + _temp.Combine("site")];

        var (exit, stdout, stderr) = await Run([verb, build, "--key", key, "--json", .. where]);

        Assert.Equal(2, exit);
        using var doc = JsonDocument.Parse(stdout);
        var error = Assert.Single(doc.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("ESPR1117", error.GetProperty("code").GetString());
        Assert.Equal(app, error.GetProperty("file").GetString());
        Assert.Contains("esp-release releases ESP32-family images only", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("error ESPR1117", stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_temp.Combine("site", "releases")));
    }

    [Fact]
    public async Task Expected_version_mismatch_is_refused_with_the_fix()
    {
        var key = await Keygen();
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");

        var (exit, _, stderr) = await Run("pack", build, "--key", key, "--version", "v1.0.1");

        Assert.Equal(2, exit);
        Assert.Contains("ESPR1403", stderr, StringComparison.Ordinal);
        Assert.Contains("PROJECT_VER=v1.0.1", stderr, StringComparison.Ordinal);
        Assert.Equal(0, (await Run("pack", build, "--key", key, "--version", "v1.0.0")).Exit);
    }

    [Fact]
    public async Task Verify_with_the_wrong_key_names_the_key_that_signed()
    {
        var key = await Keygen();
        var other = await Keygen("other.pem");
        var release = _temp.Combine("rel");
        await Run("pack", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--key", key, "--out", release);

        var (exit, _, stderr) = await Run("verify", release, "--key", KeygenPublic(other));
        var rotated = await Run("verify", release, "--key", KeygenPublic(other), "--key", KeygenPublic(key), "--json");

        Assert.Equal(2, exit);
        Assert.Contains("ESPR1507", stderr, StringComparison.Ordinal);
        Assert.Equal(0, rotated.Exit);
        using var doc = JsonDocument.Parse(rotated.Out);
        Assert.Equal(KeygenPublic(key), doc.RootElement.GetProperty("verified")[0].GetProperty("key").GetString());
    }

    [Fact]
    public async Task Missing_key_host_or_build_are_usage_errors_that_say_what_to_pass()
    {
        var build = BuildDirectoryBuilder.Create(_temp, "1.0.0");
        var key = await Keygen();

        var noKey = await Run("pack", build);
        var noHost = await Run("publish", build, "--key", key, "--config", WriteConfig("{}"));
        var notBuild = await Run("pack", _temp.Combine("keys"), "--key", key);

        Assert.Equal((1, true), (noKey.Exit, noKey.Err.Contains("ESPR1503", StringComparison.Ordinal) && noKey.Err.Contains("keygen", StringComparison.Ordinal)));
        Assert.Equal((1, true), (noHost.Exit, noHost.Err.Contains("ESPR1601", StringComparison.Ordinal)));
        Assert.Equal((1, true), (notBuild.Exit, notBuild.Err.Contains("ESPR1003", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_created_is_a_clear_error_not_a_stack_trace()
    {
        var key = await Keygen();
        var blocker = _temp.Combine("not-a-folder");
        File.WriteAllText(blocker, "");

        var (exit, _, stderr) = await Run("pack", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--key", key, "--out", Path.Combine(blocker, "release"));

        Assert.Equal(1, exit);
        Assert.Contains("ESPR1002", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Esp_release_json_supplies_defaults_that_flags_override()
    {
        var key = await Keygen();
        var build = BuildDirectoryBuilder.Create(_temp, "2.0.0");
        var config = WriteConfig($$"""
            {
              // the firmware repository's defaults
              "buildDir": "{{Path.GetFileName(build)}}",
              "host": "dir:site",
              "channel": "beta",
              "key": "keys/signing-key.pem",
            }
            """);

        var publish = await Run("publish", "--config", config, "--json");
        var flags = await Run("publish", "--config", config, "--channel", "stable", "--json");

        Assert.True(publish.Exit == 0, publish.Err);
        using var doc = JsonDocument.Parse(publish.Out);
        Assert.Equal("beta", doc.RootElement.GetProperty("channel").GetString());
        Assert.True(File.Exists(_temp.Combine("site", "channels", "beta.jws")));
        Assert.Equal(0, flags.Exit);
        Assert.True(File.Exists(_temp.Combine("site", "channels", "stable.jws")));
        Assert.Equal(0, (await Run("verify", "--config", config)).Exit);
        _ = key;
    }

    [Fact]
    public async Task A_typo_in_esp_release_json_is_named()
    {
        var (exit, _, stderr) = await Run("pack", "--config", WriteConfig("""{ "chanel": "beta" }"""));

        Assert.Equal(1, exit);
        Assert.Contains("ESPR1701", stderr, StringComparison.Ordinal);
        Assert.Contains("unknown setting \"chanel\"", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keygen", "--out")]
    [InlineData("pack", "--allow-non-semver")]
    [InlineData("publish", "--trusted-key")]
    [InlineData("verify", "--channel")]
    [InlineData("promote", "--from")]
    [InlineData("rollback", "--channel")]
    public async Task Every_release_verb_has_help_and_json(string verb, string option)
    {
        var (exit, stdout, _) = await Run(verb, "--help");

        Assert.Equal(0, exit);
        Assert.Contains(option, stdout, StringComparison.Ordinal);
        Assert.Contains("--json", stdout, StringComparison.Ordinal);
    }

    private string WriteConfig(string json)
    {
        var path = _temp.Combine("esp-release.json");
        File.WriteAllText(path, json);
        return path;
    }

    private static string KeygenPublic(string privatePath) => privatePath[..^4] + ".pub.pem";
}
