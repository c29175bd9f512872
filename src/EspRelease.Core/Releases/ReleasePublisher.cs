using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;

namespace EspRelease.Core.Releases;

/// <summary>
/// <c>publish</c>: puts a packed release on a host and points a channel at it. Release files are
/// uploaded first (create-only), the channel pointer last; the version rules are checked against
/// the release the channel points to now, before anything is written.
/// </summary>
public static class ReleasePublisher
{
    public static async Task<ChannelChange> PublishAsync(IReleaseHost host, PackedRelease release, string channel, ChannelOptions options, IProgress<ProgressReport>? progress, CancellationToken cancellationToken)
    {
        ReleaseNaming.ValidateChannel(channel);
        ChannelRollout.CheckPercent(options.RolloutPercent);
        var state = await ChannelState.ReadAsync(host, channel, options.AllKeys, cancellationToken);
        var manifest = release.Manifest;
        var warnings = new List<Diagnostic>();
        var folder = HostLayout.ReleaseFolder(manifest.Project, manifest.Version);
        var pointerFirmware = HostLayout.FirmwareFromPointer(folder, manifest.Firmware.Path);

        if (state.Current?.Manifest is { } current)
        {
            if (current.Version == manifest.Version && current.Firmware.Sha256 == manifest.Firmware.Sha256 && current.Firmware.Path == pointerFirmware)
            {
                return await ChannelRollout.RestageAsync(host, state, options.RolloutPercent, ChannelActions.RolloutChange, options, cancellationToken);
            }

            ChannelRules.EnsureSameProduct(current, manifest, channel);
            warnings.AddRange(ChannelRules.EnsureMovesForward(current, manifest, channel, options.AllowNonSemver));
        }

        var uploaded = 0;
        uploaded += await host.CreateAsync($"{folder}/{manifest.Firmware.Path}", release.FirmwarePath, manifest.Firmware.Sha256, progress, cancellationToken) ? 1 : 0;
        if (release.Factory is { } factory)
        {
            var factoryFolder = $"{folder}/{ReleaseNaming.FactoryFolder}";
            uploaded += await host.CreateAsync($"{factoryFolder}/{Path.GetFileName(factory.ImagePath)}", factory.ImagePath, factory.Sha256, progress, cancellationToken) ? 1 : 0;
            var webManifest = await File.ReadAllBytesAsync(factory.WebManifestPath, cancellationToken);
            uploaded += await host.CreateAsync($"{factoryFolder}/{Path.GetFileName(factory.WebManifestPath)}", webManifest, cancellationToken) ? 1 : 0;
        }

        // The firmware decides whether a version's bytes changed; a re-pack of the same firmware
        // (another time or channel in its manifest) keeps the manifest already published.
        if (await host.ReadAsync($"{folder}/{ReleaseNaming.ManifestJws}", cancellationToken) is null)
        {
            uploaded += await host.CreateAsync($"{folder}/{ReleaseNaming.ManifestJson}", release.ManifestBytes, cancellationToken) ? 1 : 0;
            uploaded += await host.CreateAsync($"{folder}/{ReleaseNaming.ManifestJws}", System.Text.Encoding.ASCII.GetBytes(release.Jws + "\n"), cancellationToken) ? 1 : 0;
        }

        var pointer = await ChannelWriter.PointAsync(host, state, manifest, pointerFirmware, ChannelActions.Publish, ChannelRollout.For(channel, manifest, options.RolloutPercent), options, cancellationToken);
        return ChannelChange.To(host, state, pointer, options.Key.KeyId, warnings, uploaded);
    }
}
