using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Manifests;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>
/// <c>rollout set</c> and <c>rollout halt</c>: change which share of a channel's devices take its
/// current release, as a new pointer (next sequence) for the same release. The salt depends only on
/// the channel and the firmware, so raising the percent only ever adds devices.
/// </summary>
public static class ChannelRollout
{
    /// <summary>Stages the channel's current release to <paramref name="percent"/> of its devices (action <c>rollout</c>).</summary>
    public static async Task<ChannelChange> SetAsync(IReleaseHost host, string channel, int percent, ChannelOptions options, CancellationToken cancellationToken)
    {
        CheckPercent(percent);
        var state = await ReadCurrentAsync(host, channel, options.AllKeys, cancellationToken);
        return await RestageAsync(host, state, percent, ChannelActions.RolloutChange, options, cancellationToken);
    }

    /// <summary>Stops new installs of the channel's current release (action <c>halt</c>, percent 0); devices that have it keep it.</summary>
    public static async Task<ChannelChange> HaltAsync(IReleaseHost host, string channel, ChannelOptions options, CancellationToken cancellationToken)
    {
        var state = await ReadCurrentAsync(host, channel, options.AllKeys, cancellationToken);
        return await RestageAsync(host, state, 0, ChannelActions.Halt, options, cancellationToken);
    }

    /// <summary>The channel as read, refused when nobody has published to it.</summary>
    public static async Task<ChannelState> ReadCurrentAsync(IReleaseHost host, string channel, IReadOnlyList<VerificationKey> keys, CancellationToken cancellationToken)
    {
        ReleaseNaming.ValidateChannel(channel);
        var state = await ChannelState.ReadAsync(host, channel, keys, cancellationToken);
        return state.Current is not null ? state : throw new EspReleaseException(DiagnosticCodes.ChannelEmpty,
            $"{host.Display}: channel '{channel}' has no release yet, so it has no rollout. Publish to it first (`esp-release publish --channel {channel} --rollout PERCENT`), or check the channel name and the host.");
    }

    /// <summary>The share of devices a pointer reaches: a pointer without <c>rollout</c> reaches every device.</summary>
    public static int PercentOf(ReleaseManifest manifest) => manifest.Rollout?.Percent ?? 100;

    internal static void CheckPercent(int? percent)
    {
        if (percent is < 0 or > 100)
        {
            throw new EspReleaseException(DiagnosticCodes.RolloutPercentInvalid,
                $"rollout percent {percent}: expected a whole number from 0 (nobody new installs) to 100 (every device). Pass e.g. 10 to start with a tenth of the devices.",
                kind: FailureKind.Usage);
        }
    }

    /// <summary>The rollout a new pointer for <paramref name="release"/> on <paramref name="channel"/> carries; null (every device) without a percent.</summary>
    internal static RolloutState? For(string channel, ReleaseManifest release, int? percent) =>
        percent is { } p ? new RolloutState(p, RolloutCohort.SaltFor(channel, release.Firmware.Sha256)) : null;

    /// <summary>
    /// A new pointer for the release the channel points at now, with another percent; unchanged
    /// when no percent is asked for or the channel already has it.
    /// </summary>
    internal static async Task<ChannelChange> RestageAsync(IReleaseHost host, ChannelState state, int? percent, string action, ChannelOptions options, CancellationToken cancellationToken)
    {
        var current = state.Current!.Manifest;
        var before = PercentOf(current);
        if (percent is not { } after || after == before)
        {
            return ChannelChange.Unchanged(host.Display, state);
        }

        var warnings = new List<Diagnostic>();
        if (after < before && action != ChannelActions.Halt)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.RolloutLowered, Severity.Warning,
                $"channel '{state.Channel}': rollout of \"{current.Version}\" lowered from {before}% to {after}%. Devices that already installed it keep it; lowering only holds back devices that have not taken it yet. To take it back from every device, roll back (`esp-release rollback --channel {state.Channel}`) or publish a fix."));
        }

        var pointer = await ChannelWriter.PointAsync(host, state, current, current.Firmware.Path, action, For(state.Channel, current, after), options, cancellationToken);
        return ChannelChange.To(host, state, pointer, options.Key.KeyId, warnings);
    }
}
