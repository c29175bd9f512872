using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Ota;

/// <summary>Staged rollout on the device side: the C cohort against esp-release's, and the pointer's rollout member.</summary>
public sealed partial class OtaCoreTests
{
    // A property, not a field: static fields of the other part of this class (the firmware) may not be set yet.
    private static string Salt => RolloutCohort.SaltFor("stable", Manifest.Firmware.Sha256);

    private static ReleaseManifest Staged(int percent) => Manifest with { Rollout = new RolloutState(percent, Salt) };

    /// <summary>A device id in (or out of) the cohort of <paramref name="percent"/>, found by esp-release's own function.</summary>
    private static string DeviceId(int percent, bool inCohort) =>
        Enumerable.Range(0, 10_000).Select(i => $"24:6f:28:{i:x6}").First(id => RolloutCohort.Contains(Salt, id, percent) == inCohort);

    private List<string> DeviceConfig(string deviceId, string version = "1.3.0") => Config(version: version, extra: ["--device-id", deviceId]);

    [Fact]
    public async Task The_C_and_CSharp_cohorts_give_every_one_of_100000_devices_the_same_bucket()
    {
        var ids = Enumerable.Range(0, 50_000).Select(i => $"dev-{i:D5}")
            .Concat(Enumerable.Range(0, 50_000).Select(i => Convert.ToHexStringLower(BitConverter.GetBytes((long)i * 2_654_435_761L)[..6])))
            .ToArray();
        foreach (var salt in new[] { Salt, RolloutCohort.SaltFor("beta", new string('0', 64)), "AAAAAAAAAAAAAAAAAAAAAA" })
        {
            var result = await OtaCore.RunAsync(["bucket", "--salt", salt], Encoding.UTF8.GetBytes(string.Join('\n', ids) + "\n"), TimeSpan.FromSeconds(120));
            var buckets = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.True(result.ExitCode == 0 && buckets.Length == ids.Length, $"{buckets.Length} buckets for {ids.Length} ids: {result.Stderr}");
            var differing = ids.Where((id, i) => int.Parse(buckets[i], CultureInfo.InvariantCulture) != RolloutCohort.Bucket(salt, id)).Take(3).ToList();
            Assert.True(differing.Count == 0, $"salt {salt}: C and C# differ for {string.Join(", ", differing)}");
        }
    }

    [Fact]
    public async Task A_staged_pointer_is_taken_by_devices_in_its_cohort_and_reported_not_in_rollout_to_the_others()
    {
        var jws = Sign(Staged(10));
        var inside = await VerifyAsync(jws, DeviceConfig(DeviceId(10, inCohort: true)), _firmware);
        var outside = await VerifyAsync(jws, DeviceConfig(DeviceId(10, inCohort: false)));
        var alreadyThere = await VerifyAsync(jws, DeviceConfig(DeviceId(10, inCohort: false), version: "1.4.0"));

        Assert.True(inside.ExitCode == OtaCore.ExitAccepted && inside.Download == "ESP_RELEASE_OK", inside.ToString());
        Assert.Equal("10", inside.Values["rollout-percent"]);
        Assert.Equal(Salt, inside.Values["rollout-salt"]);
        Assert.True(outside.ExitCode == OtaCore.ExitNotInRollout && outside.Result == "ESP_RELEASE_NOT_IN_ROLLOUT", outside.ToString());
        Assert.Equal("7", outside.Values["sequence"]); // authentic and read, only not yet for this device
        Assert.Equal(OtaCore.ExitUpToDate, alreadyThere.ExitCode); // a device that has it is up to date, in the cohort or not
    }

    [Fact]
    public async Task Raising_the_percent_brings_devices_in_and_a_halt_or_zero_lets_nobody_install()
    {
        var id = DeviceId(50, inCohort: true);
        var late = RolloutCohort.Contains(Salt, id, 10) ? DeviceId(10, inCohort: false) : id;

        Assert.Equal(OtaCore.ExitNotInRollout, (await VerifyAsync(Sign(Staged(10)), DeviceConfig(late))).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Staged(100)), DeviceConfig(late))).ExitCode);
        var halted = await VerifyAsync(Sign(Staged(0) with { Action = "halt" }), DeviceConfig(DeviceId(100, inCohort: true)));
        Assert.True(halted.ExitCode == OtaCore.ExitNotInRollout && halted.Values["reason"].Contains("halted", StringComparison.Ordinal), halted.ToString());
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest with { Action = "rollout" }), Config())).ExitCode);
    }

    [Fact]
    public async Task A_staged_pointer_needs_a_device_id_and_a_pointer_without_rollout_does_not()
    {
        await AssertRefusedAsync(Sign(Staged(10)), "ESP_RELEASE_ERR_ARG");
        await AssertRefusedAsync(Sign(Staged(10)), "ESP_RELEASE_ERR_ARG", DeviceConfig(new string('x', 65)));
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest))).ExitCode);
    }

    [Fact]
    public async Task A_rollout_member_given_twice_inside_is_refused()
    {
        var payload = Encoding.UTF8.GetString(ManifestSerializer.Serialize(Staged(10)));
        var twice = CompactJws.Sign(Encoding.UTF8.GetBytes(payload.Replace("\"percent\": 10,", "\"percent\": 10, \"percent\": 100,", StringComparison.Ordinal)), _key);

        Assert.Contains("\"percent\": 10,", payload, StringComparison.Ordinal);
        await AssertRefusedAsync(twice, "ESP_RELEASE_ERR_PAYLOAD", DeviceConfig(DeviceId(10, inCohort: false)));
    }

    [Theory]
    [InlineData("""{"percent":101,"salt":"SALT"}""")]
    [InlineData("""{"percent":-1,"salt":"SALT"}""")]
    [InlineData("""{"percent":10.5,"salt":"SALT"}""")]
    [InlineData("""{"percent":"10","salt":"SALT"}""")]
    [InlineData("""{"salt":"SALT"}""")]
    [InlineData("""{"percent":10}""")]
    [InlineData("""{"percent":10,"salt":"AAAAAAAAAAAAAAAAAAAAA"}""")]
    [InlineData("""{"percent":10,"salt":"AAAAAAAAAAAAAAAAAAAAAAA"}""")]
    [InlineData("""{"percent":10,"salt":"AAAAAAAAAAAAAAAAAAAAAB"}""")]
    [InlineData("""{"percent":10,"salt":"AAAAAAAAAAAAAAAAAAAA+A"}""")]
    [InlineData("""[10]""")]
    [InlineData("""null""")]
    public async Task A_rollout_member_out_of_shape_is_refused_never_read_as_everyone(string rollout)
    {
        var jws = SignEdited(root =>
        {
            root["action"] = "rollout";
            root["rollout"] = JsonNode.Parse(rollout.Replace("SALT", Salt, StringComparison.Ordinal));
        });

        await AssertRefusedAsync(jws + "\n", "ESP_RELEASE_ERR_PAYLOAD", DeviceConfig(DeviceId(100, inCohort: true)));
    }
}
