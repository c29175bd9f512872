using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Releases;

/// <summary>publish, promote and rollback on a real folder host, with builds of chosen versions.</summary>
public sealed partial class ChannelTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly DirectoryHost _host;
    private long _clock = 1764072000;

    public ChannelTests()
    {
        _host = new DirectoryHost(_temp.Combine("site"));
    }

    public void Dispose() => _temp.Dispose();

    private ChannelOptions Options(SigningKey? key = null, IReadOnlyList<VerificationKey>? trusted = null, bool allowNonSemver = false) => new()
    {
        Key = key ?? _key, TrustedKeys = trusted ?? [], AllowNonSemver = allowNonSemver, Created = DateTimeOffset.FromUnixTimeSeconds(_clock++),
    };

    private PackedRelease Packed(string version, uint secureVersion = 0, string project = "blink", int appBytes = 4096) =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, secureVersion, appBytes, project),
            OutputDirectory = _temp.Combine("rel-" + Guid.NewGuid().ToString("n")),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(_clock++),
        });

    private Task<ChannelChange> Publish(PackedRelease release, string channel = "stable", ChannelOptions? options = null) =>
        ReleasePublisher.PublishAsync(_host, release, channel, options ?? Options(), null, CancellationToken.None);

    private Task<VerificationReport> Verify(string channel = "stable") =>
        ReleaseDirectory.VerifyChannelAsync(_host, channel, [_key.PublicKey], CancellationToken.None);

    [Fact]
    public async Task Each_publish_moves_the_pointer_with_the_next_sequence_and_keeps_history()
    {
        var first = await Publish(Packed("1.0.0"));
        var second = await Publish(Packed("1.1.0"));

        Assert.Equal(1, first.Manifest.Sequence);
        Assert.Equal(2, second.Manifest.Sequence);
        Assert.Equal("1.0.0", second.Previous?.Version);
        Assert.Equal("publish", second.Manifest.Action);
        Assert.Equal("../releases/blink/1.1.0/blink-1.1.0-esp32s2.bin", second.Manifest.Firmware.Path);
        var report = await Verify();
        Assert.Equal("1.1.0", report.Manifest.Version);
        Assert.Equal(2, report.Manifest.Sequence);
        Assert.True(File.Exists(_temp.Combine("site", "history", "stable.00000001.jws")));
        Assert.True(File.Exists(_temp.Combine("site", "history", "stable.00000002.jws")));
        Assert.True(File.Exists(_temp.Combine("site", "releases", "blink", "1.0.0", "manifest.jws")));
    }

    [Fact]
    public async Task Publishing_the_current_release_again_changes_nothing()
    {
        var release = Packed("1.0.0");
        await Publish(release);
        var pointer = File.ReadAllBytes(_temp.Combine("site", "channels", "stable.jws"));

        var again = await Publish(release);

        Assert.False(again.Changed);
        Assert.Equal(pointer, File.ReadAllBytes(_temp.Combine("site", "channels", "stable.jws")));
    }

    [Fact]
    public async Task Older_versions_and_lower_secure_versions_are_refused_and_leave_the_channel_alone()
    {
        await Publish(Packed("1.2.0", secureVersion: 2));
        var pointer = File.ReadAllBytes(_temp.Combine("site", "channels", "stable.jws"));

        var older = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("1.1.9", secureVersion: 2)));
        var lower = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("1.3.0", secureVersion: 1)));

        Assert.Equal(DiagnosticCodes.VersionNotNewer, older.Diagnostic.Code);
        Assert.Contains("\"1.1.9\" is not newer than the current release \"1.2.0\"", older.Message, StringComparison.Ordinal);
        Assert.Equal(DiagnosticCodes.SecureVersionDecreased, lower.Diagnostic.Code);
        Assert.Equal(pointer, File.ReadAllBytes(_temp.Combine("site", "channels", "stable.jws")));
        Assert.False(Directory.Exists(_temp.Combine("site", "releases", "blink", "1.3.0")));
    }

    [Fact]
    public async Task A_rising_secure_version_is_published_with_a_warning()
    {
        await Publish(Packed("1.0.0", secureVersion: 1));

        var change = await Publish(Packed("1.1.0", secureVersion: 2));

        Assert.Contains(change.Warnings, w => w.Code == DiagnosticCodes.SecureVersionIncreased);
    }

    [Fact]
    public async Task A_published_version_is_never_overwritten_with_other_bytes()
    {
        await Publish(Packed("1.0.0", appBytes: 4096), channel: "beta");
        var firmware = _temp.Combine("site", "releases", "blink", "1.0.0", "blink-1.0.0-esp32s2.bin");
        var before = File.ReadAllBytes(firmware);

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("1.0.0", appBytes: 8192), channel: "stable"));

        Assert.Equal(DiagnosticCodes.ImmutableConflict, e.Diagnostic.Code);
        Assert.Contains("never overwritten", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllBytes(firmware));
        Assert.False(File.Exists(_temp.Combine("site", "channels", "stable.jws")));
    }

    [Fact]
    public async Task Another_product_on_the_channel_is_refused()
    {
        await Publish(Packed("1.0.0"));

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("2.0.0", project: "thermostat")));

        Assert.Equal(DiagnosticCodes.ChannelProductMismatch, e.Diagnostic.Code);
    }

    [Fact]
    public async Task Promote_copies_a_beta_release_to_stable_with_stables_next_sequence()
    {
        await Publish(Packed("1.0.0"));
        await Publish(Packed("1.1.0-beta.1"), channel: "beta");
        await Publish(Packed("1.1.0"), channel: "beta");

        var change = await ChannelMover.PromoteAsync(_host, "beta", "stable", "1.1.0", Options(), CancellationToken.None);

        Assert.Equal(2, change.Manifest.Sequence);
        Assert.Equal("promote", change.Manifest.Action);
        Assert.Equal("stable", change.Manifest.Channel);
        Assert.Equal("1.1.0", (await Verify()).Manifest.Version);

        var missing = await Assert.ThrowsAsync<EspReleaseException>(() => ChannelMover.PromoteAsync(_host, "beta", "stable", "9.9.9", Options(), CancellationToken.None));
        Assert.Equal(DiagnosticCodes.ReleaseNotOnHost, missing.Diagnostic.Code);
        Assert.Contains("1.1.0-beta.1, 1.1.0", missing.Message, StringComparison.Ordinal);
        var backwards = await Assert.ThrowsAsync<EspReleaseException>(() => ChannelMover.PromoteAsync(_host, "beta", "stable", "1.1.0-beta.1", Options(), CancellationToken.None));
        Assert.Equal(DiagnosticCodes.VersionNotNewer, backwards.Diagnostic.Code);
    }

    [Fact]
    public async Task Rollback_goes_back_one_release_at_a_time_with_rising_sequences()
    {
        await Publish(Packed("1.0.0"));
        await Publish(Packed("1.1.0"));
        await Publish(Packed("1.2.0"));

        var first = await ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None);
        var second = await ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None);
        var none = await Assert.ThrowsAsync<EspReleaseException>(() => ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None));

        Assert.Equal(("1.1.0", 4L, "rollback"), (first.Manifest.Version, first.Manifest.Sequence, first.Manifest.Action));
        Assert.Equal(("1.0.0", 5L), (second.Manifest.Version, second.Manifest.Sequence));
        Assert.Equal(DiagnosticCodes.NothingToRollBackTo, none.Diagnostic.Code);
        Assert.Equal("1.0.0", (await Verify()).Manifest.Version);

        var forward = await Publish(Packed("1.3.0"));
        Assert.Equal(6, forward.Manifest.Sequence);
        Assert.Equal("1.0.0", (await ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None)).Manifest.Version);
    }

    [Fact]
    public async Task Rollback_below_a_burned_secure_version_is_refused()
    {
        await Publish(Packed("1.0.0", secureVersion: 1));
        await Publish(Packed("1.1.0", secureVersion: 2));

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None));

        Assert.Equal(DiagnosticCodes.SecureVersionDecreased, e.Diagnostic.Code);
        Assert.Contains("ESP_ERR_OTA_SMALL_SEC_VER", e.Message, StringComparison.Ordinal);
        Assert.Equal("1.1.0", (await Verify()).Manifest.Version);
    }

    [Fact]
    public async Task A_new_key_needs_the_old_one_trusted_to_take_over_a_channel()
    {
        await Publish(Packed("1.0.0"));
        var newKey = SigningKey.Generate();

        var refused = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("1.1.0"), options: Options(newKey)));
        Assert.Equal(DiagnosticCodes.JwsUnknownKey, refused.Diagnostic.Code);

        var change = await Publish(Packed("1.1.0"), options: Options(newKey, [_key.PublicKey]));
        Assert.Equal(newKey.KeyId, change.KeyId);
        var report = await ReleaseDirectory.VerifyChannelAsync(_host, "stable", [_key.PublicKey, newKey.PublicKey], CancellationToken.None);
        Assert.Equal(newKey.KeyId, report.Key.KeyId);
    }

    [Fact]
    public async Task Verify_catches_a_replaced_firmware_and_a_pointer_copied_between_channels()
    {
        var change = await Publish(Packed("1.0.0"));
        File.Copy(_temp.Combine("site", "channels", "stable.jws"), _temp.Combine("site", "channels", "beta.jws"));

        var copied = await Assert.ThrowsAsync<EspReleaseException>(() => Verify("beta"));
        Assert.Equal(DiagnosticCodes.ManifestInvalid, copied.Diagnostic.Code);

        var firmware = _temp.Combine("site", "releases", "blink", "1.0.0", "blink-1.0.0-esp32s2.bin");
        File.WriteAllBytes(firmware, File.ReadAllBytes(firmware)[..^1]);
        var replaced = await Assert.ThrowsAsync<EspReleaseException>(() => Verify());
        Assert.Equal(DiagnosticCodes.FirmwareMismatch, replaced.Diagnostic.Code);
        Assert.Contains(change.Manifest.Firmware.Sha256, replaced.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_history_entry_lost_in_a_crash_is_written_by_the_next_change()
    {
        await Publish(Packed("1.0.0"));
        await Publish(Packed("1.1.0"));
        File.Delete(_temp.Combine("site", "history", "stable.00000002.jws"));

        var change = await Publish(Packed("1.2.0"));
        var rollback = await ChannelMover.RollbackAsync(_host, "stable", Options(), CancellationToken.None);

        Assert.Equal(3, change.Manifest.Sequence);
        Assert.True(File.Exists(_temp.Combine("site", "history", "stable.00000002.jws")));
        Assert.Equal("1.1.0", rollback.Manifest.Version);
    }
}
