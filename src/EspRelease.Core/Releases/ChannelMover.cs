using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;

namespace EspRelease.Core.Releases;

/// <summary>
/// <c>promote</c> and <c>rollback</c>: re-point a channel at a release already on the host, re-signed
/// with the channel's next sequence, so devices accept the change and refuse replays of old pointers.
/// </summary>
public static class ChannelMover
{
    /// <summary>Points <paramref name="to"/> at the release <paramref name="version"/> that <paramref name="from"/> has had.</summary>
    public static async Task<ChannelChange> PromoteAsync(IReleaseHost host, string from, string to, string version, ChannelOptions options, CancellationToken cancellationToken)
    {
        ReleaseNaming.ValidateChannel(from);
        ReleaseNaming.ValidateChannel(to);
        ChannelRollout.CheckPercent(options.RolloutPercent);
        var source = await ChannelState.ReadAsync(host, from, options.AllKeys, cancellationToken);
        var entry = source.History.LastOrDefault(e => e.Manifest.Version == version)
            ?? throw new EspReleaseException(DiagnosticCodes.ReleaseNotOnHost,
                $"{host.Display}: channel '{from}' never had version \"{version}\" ({Known(source)}). Publish it to '{from}' first, or check the version.");

        await EnsureFirmwareAsync(host, entry, cancellationToken);
        var target = await ChannelState.ReadAsync(host, to, options.AllKeys, cancellationToken);
        var warnings = new List<Diagnostic>();
        if (target.Current?.Manifest is { } current)
        {
            if (current.Version == version && current.Firmware.Sha256 == entry.Manifest.Firmware.Sha256)
            {
                return await ChannelRollout.RestageAsync(host, target, options.RolloutPercent, ChannelActions.RolloutChange, options, cancellationToken);
            }

            ChannelRules.EnsureSameProduct(current, entry.Manifest, to);
            warnings.AddRange(ChannelRules.EnsureMovesForward(current, entry.Manifest, to, options.AllowNonSemver));
        }

        var pointer = await ChannelWriter.PointAsync(host, target, entry.Manifest, entry.Manifest.Firmware.Path, ChannelActions.Promote, ChannelRollout.For(to, entry.Manifest, options.RolloutPercent), options, cancellationToken);
        return ChannelChange.To(host, target, pointer, options.Key.KeyId, warnings);
    }

    /// <summary>Points <paramref name="channel"/> back at the release it had before the current one.</summary>
    public static async Task<ChannelChange> RollbackAsync(IReleaseHost host, string channel, ChannelOptions options, CancellationToken cancellationToken)
    {
        ReleaseNaming.ValidateChannel(channel);
        var state = await ChannelState.ReadAsync(host, channel, options.AllKeys, cancellationToken);
        var current = state.Current ?? throw new EspReleaseException(DiagnosticCodes.ChannelEmpty,
            $"{host.Display}: channel '{channel}' has no release yet, so there is nothing to roll back. Check the channel name (--channel) and the host (--to).");
        var stack = state.Stack;
        if (stack.Count < 2)
        {
            throw new EspReleaseException(DiagnosticCodes.NothingToRollBackTo,
                $"{host.Display}: channel '{channel}' has no release before \"{current.Manifest.Version}\" to go back to ({(state.History.Count == 1 ? "it is the channel's first" : "every earlier one was already rolled back")}). Publish a fixed version instead.");
        }

        var previous = stack[^2];
        if (previous.Manifest.SecureVersion < current.Manifest.SecureVersion)
        {
            throw new EspReleaseException(DiagnosticCodes.SecureVersionDecreased,
                $"channel '{channel}': the previous release \"{previous.Manifest.Version}\" has secure_version {previous.Manifest.SecureVersion}, below the current {current.Manifest.SecureVersion}. Devices that confirmed \"{current.Manifest.Version}\" burned their anti-rollback eFuse and would refuse it (ESP_ERR_OTA_SMALL_SEC_VER, the downloaded slot erased). Roll forward instead: rebuild the old code with CONFIG_BOOTLOADER_APP_SECURE_VERSION={current.Manifest.SecureVersion} and a new version, and publish that.");
        }

        await EnsureFirmwareAsync(host, previous, cancellationToken);
        // No rollout: every device that took the bad release must come back.
        var pointer = await ChannelWriter.PointAsync(host, state, previous.Manifest, previous.Manifest.Firmware.Path, ChannelActions.Rollback, null, options, cancellationToken);
        return ChannelChange.To(host, state, pointer, options.Key.KeyId, []);
    }

    // A pointer is never moved to a firmware that is not there, whole, with the bytes signed for.
    private static async Task EnsureFirmwareAsync(IReleaseHost host, ChannelEntry entry, CancellationToken cancellationToken)
    {
        var path = HostLayout.Resolve(entry.Path, entry.Manifest.Firmware.Path);
        await using var stream = await host.OpenReadAsync(path, cancellationToken);
        ReleaseVerifier.CheckFirmware(entry.Manifest, $"{host.Display}/{entry.Path}", stream, $"{host.Display}/{path}");
    }

    private static string Known(ChannelState state) =>
        state.History.Count == 0 ? "it has no releases" : "it had " + string.Join(", ", state.History.Select(h => h.Manifest.Version).Distinct());
}
