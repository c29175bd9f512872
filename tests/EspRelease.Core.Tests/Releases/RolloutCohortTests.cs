using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Tests.Releases;

/// <summary>The rollout's salt and bucketing: the wire contract the device's C core shares (docs/manifest.md, "Staged rollout").</summary>
public sealed class RolloutCohortTests
{
    private const string Sha256 = "a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12";

    private static readonly string[] _ids = [.. Enumerable.Range(0, 100_000).Select(i => $"dev-{i:D5}")];

    // 12 lowercase hex digits, as the component's default id (the base MAC) is; fixed seed so a failure reproduces.
    private static readonly string[] _macs = Macs(new Random(7));

    [Fact]
    public void The_salt_is_the_documented_hash_of_channel_and_firmware_and_the_same_every_time()
    {
        var salt = RolloutCohort.SaltFor("beta", Sha256);

        // Independently: SHA-256 of the domain, channel and hash, first 16 bytes, base64url without padding.
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("esp-release/rollout/v1\nbeta\n" + Sha256));
        var expected = Convert.ToBase64String(hash, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(expected, salt);
        Assert.Equal("fn5f6N3NSvQR3UfiDd4N4g", salt);
        Assert.Equal(salt, RolloutCohort.SaltFor("beta", Sha256));
        Assert.NotEqual(salt, RolloutCohort.SaltFor("stable", Sha256));
        Assert.NotEqual(salt, RolloutCohort.SaltFor("beta", Sha256.Replace('a', 'b')));
    }

    [Theory]
    [InlineData("246f28a1b2c3", 12)]
    [InlineData("dev-00000", 25)]
    [InlineData("dev-99999", 54)]
    public void A_fixed_salt_and_id_give_the_bucket_computed_here_without_RolloutCohort(string deviceId, int documented)
    {
        const string salt = "fn5f6N3NSvQR3UfiDd4N4g";
        var hash = SHA256.HashData([.. Encoding.ASCII.GetBytes(salt), .. Encoding.UTF8.GetBytes(deviceId)]);
        var independent = (int)(BinaryPrimitives.ReadUInt64BigEndian(hash) % 100);

        Assert.Equal(documented, independent);
        Assert.Equal(independent, RolloutCohort.Bucket(salt, deviceId));
        Assert.True(RolloutCohort.Contains(salt, deviceId, independent + 1));
        Assert.False(RolloutCohort.Contains(salt, deviceId, independent));
    }

    [Fact]
    public void The_worked_example_in_manifest_md_is_what_the_code_computes()
    {
        var doc = File.ReadAllText(EspRelease.Testing.Repository.File("docs", "manifest.md"));
        var salt = RolloutCohort.SaltFor("beta", Sha256);

        Assert.Contains($"`{Sha256}`", doc, StringComparison.Ordinal);
        Assert.Contains($"the salt is `{salt}`", doc, StringComparison.Ordinal);
        Assert.Contains($"mod 100 = **{RolloutCohort.Bucket(salt, "246f28a1b2c3")}**", doc, StringComparison.Ordinal);
        Assert.Contains($"`dev-00000` has bucket {RolloutCohort.Bucket(salt, "dev-00000")} and `dev-99999` bucket {RolloutCohort.Bucket(salt, "dev-99999")}", doc, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(10)]
    [InlineData(25)]
    [InlineData(50)]
    [InlineData(90)]
    [InlineData(99)]
    public void The_share_of_100000_devices_in_the_cohort_is_within_one_point_of_the_percent(int percent)
    {
        var salt = RolloutCohort.SaltFor("stable", Sha256);
        foreach (var ids in new[] { _ids, _macs })
        {
            var share = 100.0 * ids.Count(id => RolloutCohort.Contains(salt, id, percent)) / ids.Length;
            Assert.InRange(share, percent - 1.0, percent + 1.0);
        }
    }

    [Fact]
    public void Raising_the_percent_never_removes_a_device_and_0_holds_nobody_and_100_everybody()
    {
        var salt = RolloutCohort.SaltFor("stable", Sha256);
        foreach (var id in _ids)
        {
            var at10 = RolloutCohort.Contains(salt, id, 10);
            var at50 = RolloutCohort.Contains(salt, id, 50);
            Assert.True(!at10 || at50, id);
            Assert.True(RolloutCohort.Contains(salt, id, 100), id);
            Assert.False(RolloutCohort.Contains(salt, id, 0), id);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123x")]
    [InlineData("ééééééééééééééééééééééééééééééééé")]
    public void A_device_id_outside_1_to_64_bytes_is_refused_with_the_expected_form(string deviceId)
    {
        var e = Assert.Throws<EspReleaseException>(() => RolloutCohort.Bucket("fn5f6N3NSvQR3UfiDd4N4g", deviceId));

        Assert.Equal(DiagnosticCodes.RolloutDeviceIdInvalid, e.Diagnostic.Code);
        Assert.Contains("expected 1 to 64", e.Message, StringComparison.Ordinal);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Fact]
    public void A_64_byte_id_is_a_device_id()
    {
        Assert.InRange(RolloutCohort.Bucket("fn5f6N3NSvQR3UfiDd4N4g", new string('f', 64)), 0, 99);
    }

    private static string[] Macs(Random random)
    {
        var mac = new byte[6];
        return [.. Enumerable.Range(0, 100_000).Select(_ =>
        {
            random.NextBytes(mac);
            return Convert.ToHexStringLower(mac);
        })];
    }
}
