using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.IO;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>Reads back what <c>pack</c> wrote, verified, so <c>publish</c> can take a release directory as well as a build.</summary>
public static class ReleaseDirectory
{
    /// <summary>True when <paramref name="directory"/> holds a packed release (manifest.jws).</summary>
    public static bool IsRelease(string directory) => File.Exists(Path.Combine(directory, ReleaseNaming.ManifestJws));

    public static PackedRelease Load(string directory, IReadOnlyList<VerificationKey> keys)
    {
        var report = ReleaseVerifier.VerifyLocal(directory, keys);
        var factoryDir = Path.Combine(directory, ReleaseNaming.FactoryFolder);
        var factoryImage = Directory.Exists(factoryDir) ? Directory.EnumerateFiles(factoryDir, "*.factory.bin").FirstOrDefault() : null;
        var webManifest = Path.Combine(factoryDir, "manifest.json");
        return new PackedRelease
        {
            Directory = directory,
            Manifest = report.Manifest,
            ManifestBytes = InputFile.ReadAllBytes(Path.Combine(directory, ReleaseNaming.ManifestJson)),
            Jws = InputFile.ReadAllText(Path.Combine(directory, ReleaseNaming.ManifestJws)).Trim(),
            KeyId = report.Key.KeyId,
            FirmwarePath = report.FirmwareOrigin,
            Factory = factoryImage is not null && File.Exists(webManifest)
                ? new FactoryImage(factoryImage, new FileInfo(factoryImage).Length, Sha256Of(factoryImage), webManifest)
                : null,
            Warnings = [],
        };
    }

    private static string Sha256Of(string file)
    {
        using var stream = InputFile.OpenRead(file);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
    }

    /// <summary>Verifies what a device on <paramref name="channel"/> would get from <paramref name="host"/>.</summary>
    public static async Task<VerificationReport> VerifyChannelAsync(IReleaseHost host, string channel, IReadOnlyList<VerificationKey> keys, CancellationToken cancellationToken)
    {
        var pointerPath = HostLayout.ChannelPointer(ReleaseNaming.ValidateChannel(channel));
        var origin = $"{host.Display}/{pointerPath}";
        var pointer = await host.ReadAsync(pointerPath, cancellationToken)
            ?? throw new EspReleaseException(DiagnosticCodes.ChannelEmpty, $"{origin}: not found; nothing was published to channel '{channel}' on this host. Check --channel and the host.", origin);
        var (manifest, key) = ReleaseVerifier.VerifyManifest(System.Text.Encoding.ASCII.GetString(pointer.Content), origin, keys);
        if (manifest.Channel != channel)
        {
            throw new EspReleaseException(DiagnosticCodes.ManifestInvalid,
                $"{origin}: is signed for channel '{manifest.Channel}', not '{channel}'; the file was copied between channels. Use `esp-release promote` to move releases between channels.", origin);
        }

        var firmwarePath = HostLayout.Resolve(pointerPath, manifest.Firmware.Path);
        await using var stream = await host.OpenReadAsync(firmwarePath, cancellationToken);
        var firmwareOrigin = $"{host.Display}/{firmwarePath}";
        return new VerificationReport(manifest, key, origin, firmwareOrigin, ReleaseVerifier.CheckFirmware(manifest, origin, stream, firmwareOrigin));
    }
}
