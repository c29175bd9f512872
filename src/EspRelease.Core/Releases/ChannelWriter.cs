using EspRelease.Core.Hosts;
using EspRelease.Core.Manifests;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>Writes a channel's new pointer (a re-signed manifest with the next sequence), then its history entry.</summary>
internal static class ChannelWriter
{
    // rollout: the new pointer's, null for every device; whatever the release's own manifest carried is replaced.
    public static async Task<ReleaseManifest> PointAsync(IReleaseHost host, ChannelState state, ReleaseManifest release, string firmwarePath, string action, RolloutState? rollout, ChannelOptions options, CancellationToken cancellationToken)
    {
        var pointer = release with
        {
            Channel = state.Channel,
            Sequence = state.NextSequence,
            Firmware = release.Firmware with { Path = firmwarePath },
            Created = options.Created,
            Action = action,
            Rollout = rollout,
        };
        var jws = System.Text.Encoding.ASCII.GetBytes(CompactJws.Sign(ManifestSerializer.Serialize(pointer), options.Key) + "\n");

        // Heal a history gap a crash left (pointer written, its history entry not).
        if (state.Current is { } current && state.History.Any(h => ReferenceEquals(h, current)))
        {
            await host.CreateAsync(HostLayout.HistoryEntry(state.Channel, current.Manifest.Sequence), current.Jws, cancellationToken);
        }

        await host.ReplaceAsync(HostLayout.ChannelPointer(state.Channel), jws, state.CurrentTag, cancellationToken);
        await host.CreateAsync(HostLayout.HistoryEntry(state.Channel, pointer.Sequence), jws, cancellationToken);
        return pointer;
    }
}
