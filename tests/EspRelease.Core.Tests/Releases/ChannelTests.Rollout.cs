using EspRelease.Core.Diagnostics;
using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Tests.Releases;

/// <summary>Staged rollout on a real folder host: publish/promote --rollout, rollout set and halt, and rollback past them.</summary>
public sealed partial class ChannelTests
{
    private ChannelOptions Staged(int? percent) => Options() with { RolloutPercent = percent };

    private Task<ChannelChange> Set(int percent, string channel = "stable") => ChannelRollout.SetAsync(_host, channel, percent, Options(), CancellationToken.None);

    private Task<ChannelChange> Halt(string channel = "stable") => ChannelRollout.HaltAsync(_host, channel, Options(), CancellationToken.None);

    private byte[] Pointer(string channel = "stable") => File.ReadAllBytes(_temp.Combine("site", "channels", channel + ".jws"));

    [Fact]
    public async Task Publish_with_a_rollout_stages_the_release_with_the_salt_of_its_channel_and_firmware()
    {
        await Publish(Packed("1.0.0"));

        var change = await Publish(Packed("1.1.0"), options: Staged(10));

        Assert.Equal(("publish", 2L), (change.Manifest.Action, change.Manifest.Sequence));
        Assert.Equal(new RolloutState(10, RolloutCohort.SaltFor("stable", change.Manifest.Firmware.Sha256)), change.Manifest.Rollout);
        Assert.Equal(change.Manifest.Rollout, (await Verify()).Manifest.Rollout);
        Assert.Null((await Publish(Packed("1.2.0"))).Manifest.Rollout);
    }

    [Fact]
    public async Task Publishing_the_current_release_with_another_percent_writes_a_rollout_pointer_and_the_same_percent_nothing()
    {
        var release = Packed("1.0.0");
        var first = await Publish(release, options: Staged(10));
        var pointer = Pointer();

        var same = await Publish(release, options: Staged(10));
        var noPercent = await Publish(release);
        Assert.Equal((false, false), (same.Changed, noPercent.Changed));
        Assert.Equal(pointer, Pointer());

        var raised = await Publish(release, options: Staged(50));
        Assert.Equal(("rollout", 2L, 50), (raised.Manifest.Action, raised.Manifest.Sequence, raised.Manifest.Rollout?.Percent));
        Assert.Equal(first.Manifest.Rollout!.Salt, raised.Manifest.Rollout!.Salt);
        Assert.Empty(raised.Warnings);
    }

    [Fact]
    public async Task Rollout_set_raises_and_lowers_with_a_warning_halt_stops_and_repeating_either_changes_nothing()
    {
        await Publish(Packed("1.0.0"), options: Staged(10));

        var raised = await Set(50);
        var again = await Set(50);
        var lowered = await Set(20);
        var halted = await Halt();
        var haltedAgain = await Halt();
        var resumed = await Set(100);

        Assert.Equal(("rollout", 2L, 50), (raised.Manifest.Action, raised.Manifest.Sequence, raised.Manifest.Rollout?.Percent));
        Assert.False(again.Changed);
        var warning = Assert.Single(lowered.Warnings);
        Assert.Equal(DiagnosticCodes.RolloutLowered, warning.Code);
        Assert.Contains("already installed it keep it", warning.Message, StringComparison.Ordinal);
        Assert.Equal(("halt", 4L, 0), (halted.Manifest.Action, halted.Manifest.Sequence, halted.Manifest.Rollout?.Percent));
        Assert.Empty(halted.Warnings);
        Assert.False(haltedAgain.Changed);
        Assert.Equal((5L, 100, raised.Manifest.Rollout!.Salt), (resumed.Manifest.Sequence, resumed.Manifest.Rollout?.Percent, resumed.Manifest.Rollout?.Salt));
        Assert.Equal("1.0.0", (await Verify()).Manifest.Version);
    }

    [Fact]
    public async Task Rollback_after_a_staged_release_its_raise_and_its_halt_goes_back_to_the_release_before_for_every_device()
    {
        await Publish(Packed("1.0.0"));
        await Publish(Packed("1.1.0"), options: Staged(10));
        await Set(50);
        await Halt();

        var state = await ChannelState.ReadAsync(_host, "stable", [_key.PublicKey], CancellationToken.None);
        var rollback = await ChannelMover.RollbackAsync(_host, "stable", Staged(30), CancellationToken.None);

        Assert.Equal(["1.0.0", "1.1.0"], state.Stack.Select(e => e.Manifest.Version));
        Assert.Equal(("1.0.0", "rollback", 5L), (rollback.Manifest.Version, rollback.Manifest.Action, rollback.Manifest.Sequence));
        Assert.Null(rollback.Manifest.Rollout);
        Assert.Null((await Verify()).Manifest.Rollout);
    }

    [Fact]
    public async Task Promote_with_a_rollout_uses_the_target_channels_salt_and_without_one_reaches_every_device()
    {
        await Publish(Packed("1.0.0"));
        var beta = await Publish(Packed("1.1.0"), channel: "beta", options: Staged(5));

        var promoted = await ChannelMover.PromoteAsync(_host, "beta", "stable", "1.1.0", Staged(25), CancellationToken.None);
        var same = await ChannelMover.PromoteAsync(_host, "beta", "stable", "1.1.0", Staged(25), CancellationToken.None);
        var everyone = await ChannelMover.PromoteAsync(_host, "beta", "stable", "1.1.0", Staged(100), CancellationToken.None);
        var elsewhere = await ChannelMover.PromoteAsync(_host, "beta", "qa", "1.1.0", Options(), CancellationToken.None);

        Assert.Equal(("promote", 25), (promoted.Manifest.Action, promoted.Manifest.Rollout?.Percent));
        Assert.Equal(RolloutCohort.SaltFor("stable", beta.Manifest.Firmware.Sha256), promoted.Manifest.Rollout?.Salt);
        Assert.NotEqual(beta.Manifest.Rollout!.Salt, promoted.Manifest.Rollout!.Salt);
        Assert.False(same.Changed);
        Assert.Equal(("rollout", 100), (everyone.Manifest.Action, everyone.Manifest.Rollout?.Percent));
        Assert.Null(elsewhere.Manifest.Rollout);
    }

    [Fact]
    public async Task A_rollout_of_an_empty_channel_or_outside_0_to_100_is_refused_and_writes_nothing()
    {
        var empty = await Assert.ThrowsAsync<EspReleaseException>(() => Set(10));
        var emptyHalt = await Assert.ThrowsAsync<EspReleaseException>(() => Halt());
        Assert.Equal((DiagnosticCodes.ChannelEmpty, DiagnosticCodes.ChannelEmpty), (empty.Diagnostic.Code, emptyHalt.Diagnostic.Code));
        Assert.Contains("--rollout PERCENT", empty.Message, StringComparison.Ordinal);

        await Publish(Packed("1.0.0"), options: Staged(10));
        var pointer = Pointer();
        foreach (var refused in new Func<Task>[] { () => Set(101), () => Set(-1), () => Publish(Packed("1.1.0"), options: Staged(150)) })
        {
            var e = await Assert.ThrowsAsync<EspReleaseException>(refused);
            Assert.Equal(DiagnosticCodes.RolloutPercentInvalid, e.Diagnostic.Code);
            Assert.Contains("expected a whole number from 0", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(pointer, Pointer());
        Assert.False(Directory.Exists(_temp.Combine("site", "releases", "blink", "1.1.0")));
    }
}
