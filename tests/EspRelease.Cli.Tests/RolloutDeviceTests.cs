using System.Globalization;
using System.Text;
using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// The pointers publish --rollout, rollout set, rollout halt and rollback write, judged by the device's own
/// check: the esp_release_ota core (tests/esp-release-ota-core, ASan and UBSan) reads the folder host's file.
/// </summary>
public sealed class RolloutDeviceTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _site;
    private readonly string _key;

    public RolloutDeviceTests()
    {
        _site = _temp.Combine("site");
        _key = _temp.Combine("keys", "signing-key.pem");
    }

    public void Dispose() => _temp.Dispose();

    private static async Task Run(params string[] args)
    {
        var (exit, _, stderr) = await CliRunner.Run(args);
        Assert.True(exit == 0, $"esp-release {string.Join(' ', args)}: {stderr}");
    }

    private string Pointer => File.ReadAllText(Path.Combine(_site, "channels", "beta.jws"));

    private ReleaseManifest PointerManifest =>
        ManifestSerializer.Deserialize(CompactJws.Verify(Pointer.Trim(), [VerificationKey.Load(_temp.Combine("keys", "signing-key.pub.pem"))], "beta.jws").Payload, "beta.jws");

    /// <summary>What a device running <paramref name="running"/> that accepted sequence <paramref name="lastSequence"/> says of the pointer.</summary>
    /// <remarks>When it accepts, the firmware the pointer names on the host goes through the core's download check.</remarks>
    private async Task<OtaCoreResult> Device(string deviceId, string running, long lastSequence)
    {
        var m = PointerManifest;
        var firmware = Path.GetFullPath(Path.Combine(_site, "channels", m.Firmware.Path));
        var result = await OtaCore.RunAsync(
            ["verify", "--key", _temp.Combine("keys", "signing-key.pub.pem"), "--channel", "beta", "--project", m.Project, "--chip", m.Chip,
             "--chip-id", m.ChipId.ToString(CultureInfo.InvariantCulture), "--version", running,
             "--last-sequence", lastSequence.ToString(CultureInfo.InvariantCulture), "--device-id", deviceId, "--firmware", firmware],
            Encoding.ASCII.GetBytes(Pointer));
        Assert.True(result.Result != "ESP_RELEASE_OK" || result.Download == "ESP_RELEASE_OK", result.ToString());
        Assert.DoesNotContain("Sanitizer", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    private static string Id(string salt, Func<int, bool> bucket) =>
        Enumerable.Range(0, 100_000).Select(i => $"dev-{i:D5}").First(id => bucket(RolloutCohort.Bucket(salt, id)));

    [Fact]
    public async Task A_staged_release_reaches_its_cohort_grows_halts_and_rolls_back_as_the_device_sees_it()
    {
        await Run("keygen", "--out", _key);
        await Run("publish", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--to", "dir:" + _site, "--key", _key, "--channel", "beta");
        await Run("publish", BuildDirectoryBuilder.Create(_temp, "1.1.0"), "--to", "dir:" + _site, "--key", _key, "--channel", "beta", "--rollout", "10");
        var salt = PointerManifest.Rollout!.Salt;
        var early = Id(salt, b => b < 10);
        var late = Id(salt, b => b is >= 10 and < 60);
        var last = Id(salt, b => b >= 60);

        Assert.Equal("ESP_RELEASE_OK", (await Device(early, "1.0.0", 1)).Result);
        Assert.Equal("ESP_RELEASE_NOT_IN_ROLLOUT", (await Device(late, "1.0.0", 1)).Result);

        await Run("rollout", "set", "beta", "60", "--host", "dir:" + _site, "--key", _key);
        Assert.Equal("ESP_RELEASE_UP_TO_DATE", (await Device(early, "1.1.0", 2)).Result); // took it at 10 %, still has it
        Assert.Equal("ESP_RELEASE_OK", (await Device(late, "1.0.0", 1)).Result);
        Assert.Equal("ESP_RELEASE_NOT_IN_ROLLOUT", (await Device(last, "1.0.0", 1)).Result);

        await Run("rollout", "halt", "beta", "--host", "dir:" + _site, "--key", _key);
        var halted = await Device(early, "1.0.0", 1);
        Assert.True(halted.Result == "ESP_RELEASE_NOT_IN_ROLLOUT" && halted.Values["action"] == "halt", halted.ToString());

        await Run("rollback", "--channel", "beta", "--host", "dir:" + _site, "--key", _key);
        var back = await Device(last, "1.1.0", 4); // any device on the bad release goes back, cohort or not
        Assert.True(back.Result == "ESP_RELEASE_OK" && back.Values["version"] == "1.0.0" && back.Values["rollout-percent"] == "none", back.ToString());
    }
}
