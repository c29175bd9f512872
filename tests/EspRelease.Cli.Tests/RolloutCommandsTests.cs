using System.Text.Json;
using EspRelease.Core.Releases;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>publish/promote --rollout and rollout set, halt and status through the real command tree, on a folder host.</summary>
public sealed class RolloutCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _key;

    public RolloutCommandsTests()
    {
        _site = "dir:" + _temp.Combine("site");
        _key = _temp.Combine("keys", "signing-key.pem");
    }

    public void Dispose() => _temp.Dispose();

    private static Task<(int Exit, string Out, string Err)> Run(params string[] args) => CliRunner.Run(args);

    private static async Task<JsonElement> Json(params string[] args)
    {
        var (exit, stdout, stderr) = await Run([.. args, "--json"]);
        Assert.True(exit == 0, $"esp-release {string.Join(' ', args)}: {stderr}");
        using var doc = JsonDocument.Parse(stdout);
        return doc.RootElement.Clone();
    }

    private async Task Publish(string version, params string[] more)
    {
        if (!File.Exists(_key))
        {
            Assert.Equal(0, (await Run("keygen", "--out", _key)).Exit);
        }

        await Json(["publish", BuildDirectoryBuilder.Create(_temp, version), "--to", _site, "--key", _key, "--channel", "beta", .. more]);
    }

    [Fact]
    public async Task A_staged_release_is_raised_halted_shown_and_rolled_back()
    {
        await Publish("1.0.0");
        await Publish("1.1.0", "--rollout", "10");
        var set = await Json("rollout", "set", "beta", "50", "--host", _site, "--key", _key);
        var status = await Json("rollout", "status", "beta", "--host", _site, "--key", _key, "--device-id", "246f28a1b2c3", "--device-id", "dev-00000");
        var halt = await Run("rollout", "halt", "beta", "--host", _site, "--key", _key);
        var halted = await Run("rollout", "status", "beta", "--host", _site, "--key", _key, "--device-id", "246f28a1b2c3");
        var rollback = await Json("rollback", "--channel", "beta", "--host", _site, "--key", _key);

        Assert.Equal(("rollout", 3, 50), (set.GetProperty("action").GetString(), set.GetProperty("sequence").GetInt32(), set.GetProperty("percent").GetInt32()));
        Assert.Equal(50, set.GetProperty("manifest").GetProperty("rollout").GetProperty("percent").GetInt32());

        var salt = RolloutCohort.SaltFor("beta", set.GetProperty("manifest").GetProperty("firmware").GetProperty("sha256").GetString()!);
        Assert.Equal(("1.1.0", 3, 50, false, salt), (status.GetProperty("version").GetString(), status.GetProperty("sequence").GetInt32(), status.GetProperty("percent").GetInt32(), status.GetProperty("everyone").GetBoolean(), status.GetProperty("salt").GetString()));
        foreach (var device in status.GetProperty("devices").EnumerateArray())
        {
            var bucket = RolloutCohort.Bucket(salt, device.GetProperty("id").GetString()!);
            Assert.Equal(bucket, device.GetProperty("bucket").GetInt32());
            Assert.Equal(bucket < 50, device.GetProperty("inCohort").GetBoolean());
        }

        Assert.True(halt.Exit == 0, halt.Err);
        Assert.Contains("Halted blink 1.1.0 on channel 'beta'", halt.Out, StringComparison.Ordinal);
        Assert.Contains("rollout:   0% (halted)", halted.Out, StringComparison.Ordinal);
        Assert.Contains("device 246f28a1b2c3: bucket ", halted.Out, StringComparison.Ordinal);
        Assert.Contains("not in: installs nothing and keeps polling", halted.Out, StringComparison.Ordinal);
        Assert.Equal(("1.0.0", "rollback", 100, 5), (rollback.GetProperty("version").GetString(), rollback.GetProperty("action").GetString(), rollback.GetProperty("percent").GetInt32(), rollback.GetProperty("sequence").GetInt32()));
        Assert.False(rollback.GetProperty("manifest").TryGetProperty("rollout", out _));
    }

    [Fact]
    public async Task Lowering_warns_the_same_percent_changes_nothing_and_promote_stages_the_target()
    {
        await Publish("1.0.0", "--rollout", "50");

        var lowered = await Run("rollout", "set", "beta", "20", "--host", _site, "--key", _key);
        var same = await Run("rollout", "set", "beta", "20", "--host", _site, "--key", _key);
        var promoted = await Json("promote", "--from", "beta", "--to", "stable", "--version", "1.0.0", "--host", _site, "--key", _key, "--rollout", "5");
        var status = await Json("rollout", "status", "stable", "--host", _site, "--key", _key);

        Assert.True(lowered.Exit == 0, lowered.Err);
        Assert.Contains("warning ESPR2610", lowered.Err, StringComparison.Ordinal);
        Assert.Contains("Rollout of blink 1.0.0 on channel 'beta'", lowered.Out, StringComparison.Ordinal);
        Assert.Contains("50% of devices → 20% of devices", lowered.Out, StringComparison.Ordinal);
        Assert.Contains("nothing to do", same.Out, StringComparison.Ordinal);
        Assert.Equal(("promote", 5), (promoted.GetProperty("action").GetString(), promoted.GetProperty("percent").GetInt32()));
        Assert.Equal((5, "promote"), (status.GetProperty("percent").GetInt32(), status.GetProperty("action").GetString()));
    }

    [Fact]
    public async Task A_channel_without_rollout_shows_everyone()
    {
        await Publish("1.0.0");

        var status = await Json("rollout", "status", "beta", "--host", _site, "--key", _key, "--device-id", "246f28a1b2c3");

        Assert.Equal((100, true), (status.GetProperty("percent").GetInt32(), status.GetProperty("everyone").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, status.GetProperty("salt").ValueKind);
        var device = Assert.Single(status.GetProperty("devices").EnumerateArray());
        Assert.True(device.GetProperty("inCohort").GetBoolean());
    }

    [Theory]
    [InlineData("--rollout: expected a whole number from 0", "publish", "--rollout", "101")]
    [InlineData("--rollout: expected a whole number from 0", "promote", "--from", "beta", "--to", "stable", "--version", "1.0.0", "--rollout", "-1")]
    [InlineData("PERCENT: expected a whole number from 0", "rollout", "set", "beta", "150")]
    [InlineData("PERCENT: expected a whole number from 0 (nobody new installs) to 100 (every device), found \"abc\"", "rollout", "set", "beta", "abc")]
    [InlineData("--rollout: expected a whole number from 0 (nobody new installs) to 100 (every device), found \"10.5\"", "promote", "--from", "beta", "--to", "stable", "--version", "1.0.0", "--rollout", "10.5")]
    [InlineData("ESPR1611", "rollout", "status", "beta", "--device-id", "")]
    public async Task A_percent_outside_0_to_100_or_a_bad_device_id_is_a_usage_error(string expected, params string[] args)
    {
        await Publish("1.0.0");

        var (exit, _, stderr) = await Run([.. args, .. args[0] == "publish" ? new[] { BuildDirectoryBuilder.Create(_temp, "1.1.0"), "--to" } : ["--host"], _site, "--key", _key]);

        Assert.Equal(1, exit);
        Assert.Contains(expected, stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rollout_on_an_empty_channel_names_the_fix()
    {
        await Publish("1.0.0");

        var (exit, _, stderr) = await Run("rollout", "halt", "stable", "--host", _site, "--key", _key);

        Assert.Equal(2, exit);
        Assert.Contains("ESPR1605", stderr, StringComparison.Ordinal);
        Assert.Contains("publish --channel stable --rollout PERCENT", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("set", "only ever adds devices")]
    [InlineData("halt", "already installed it keep it")]
    [InlineData("status", "--device-id")]
    public async Task Each_rollout_command_has_help_that_teaches_and_json(string verb, string taught)
    {
        var (exit, stdout, _) = await Run("rollout", verb, "--help");
        var group = await Run("rollout", "--help");

        Assert.Equal(0, exit);
        Assert.Contains(taught, stdout, StringComparison.Ordinal);
        Assert.Contains("--json", stdout, StringComparison.Ordinal);
        Assert.Contains("keep polling", group.Out, StringComparison.Ordinal);
    }
}
