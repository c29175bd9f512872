using EspRelease.Core.Diagnostics;
using EspRelease.Core.Manifests;

namespace EspRelease.Core.Releases;

/// <summary>What a publish, promote or rollback did to a channel.</summary>
public sealed record ChannelChange
{
    public required string Host { get; init; }

    public required string Channel { get; init; }

    /// <summary>The manifest the channel's pointer holds now.</summary>
    public required ReleaseManifest Manifest { get; init; }

    public required string PointerPath { get; init; }

    /// <summary>The release the channel pointed to before; null for a new channel.</summary>
    public ReleaseManifest? Previous { get; init; }

    /// <summary>False when the channel already pointed at this release and nothing was written.</summary>
    public required bool Changed { get; init; }

    /// <summary>Release files uploaded (0 when all were already on the host).</summary>
    public int FilesUploaded { get; init; }

    public required string KeyId { get; init; }

    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>
    /// Where devices fetch the channel, when the host can say (<see cref="Hosts.IDeviceUrlHost"/>:
    /// Azure Blob with a read-only SAS in the query). Null for hosts that cannot; it prints redacted.
    /// </summary>
    public Hosts.DeviceUrl? DeviceUrl { get; init; }

    /// <summary>The channel already pointed at the release: nothing was written.</summary>
    internal static ChannelChange Unchanged(string host, ChannelState state) => new()
    {
        Host = host, Channel = state.Channel, Manifest = state.Current!.Manifest, PointerPath = Hosts.HostLayout.ChannelPointer(state.Channel),
        Previous = state.Current.Manifest, Changed = false, KeyId = state.Current.KeyId,
    };

    /// <summary>
    /// The channel now points at <paramref name="pointer"/>, signed with <paramref name="keyId"/>; the
    /// warnings are the operation's and then the host's own (<see cref="Hosts.IHostWarnings"/>).
    /// </summary>
    internal static ChannelChange To(Hosts.IReleaseHost host, ChannelState state, ReleaseManifest pointer, string keyId, IReadOnlyList<Diagnostic> warnings, int filesUploaded = 0) => new()
    {
        Host = host.Display, Channel = state.Channel, Manifest = pointer, PointerPath = Hosts.HostLayout.ChannelPointer(state.Channel),
        Previous = state.Current?.Manifest, Changed = true, KeyId = keyId, FilesUploaded = filesUploaded,
        Warnings = host is Hosts.IHostWarnings own ? [.. warnings, .. own.Warnings] : warnings,
    };
}
