using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.IO;
using EspRelease.Core.Manifests;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>A signed manifest that checked out, and the firmware it names, inspected.</summary>
public sealed record VerificationReport(ReleaseManifest Manifest, VerificationKey Key, string Origin, string FirmwareOrigin, ImageInspection Firmware);

/// <summary>
/// <c>verify</c>: checks what a device will check, and more. The JWS is ES256 by one of the trusted
/// keys, manifest.json (when beside it) is exactly its payload, and the firmware it names exists,
/// has its size and SHA-256, is a valid image, and agrees with the manifest on chip, project,
/// version and secure_version.
/// </summary>
public static class ReleaseVerifier
{
    /// <summary>Opens the firmware named by a manifest path (relative to the manifest), or returns null when it does not exist.</summary>
    public delegate Stream? OpenRelative(string relativePath, out string origin);

    /// <summary>Verifies a release directory (holding manifest.jws) or a .jws file on the local file system.</summary>
    public static VerificationReport VerifyLocal(string path, IReadOnlyList<VerificationKey> keys)
    {
        var jwsPath = Directory.Exists(path) ? Path.Combine(path, ReleaseNaming.ManifestJws) : path;
        if (!InputFile.Exists(jwsPath))
        {
            throw new EspReleaseException(DiagnosticCodes.FileNotFound,
                $"{jwsPath}: not found. Pass a release directory written by `esp-release pack` (it holds manifest.jws), a .jws file, or a host with --channel.", jwsPath, FailureKind.Usage);
        }

        var baseDir = Path.GetDirectoryName(Path.GetFullPath(jwsPath))!;
        var jsonPath = Path.Combine(baseDir, ReleaseNaming.ManifestJson);
        var pairedJson = Path.GetFileName(jwsPath) == ReleaseNaming.ManifestJws && InputFile.Exists(jsonPath) ? InputFile.ReadAllBytes(jsonPath) : null;
        return Verify(InputFile.ReadAllText(jwsPath), jwsPath, keys, (string relative, out string origin) =>
        {
            // The path was checked by VerifyManifest (relative, no character a path may not hold).
            origin = Path.GetFullPath(Path.Combine(baseDir, relative.Replace('/', Path.DirectorySeparatorChar)));
            return InputFile.Exists(origin) ? InputFile.OpenRead(origin) : null;
        }, pairedJson, jsonPath);
    }

    /// <param name="jws">The signed manifest's text.</param>
    /// <param name="origin">Its file or URL, for messages.</param>
    /// <param name="keys">Trusted public keys.</param>
    /// <param name="openFirmware">Opens the firmware the manifest names (relative path).</param>
    /// <param name="manifestJson">manifest.json beside it, when there is one: must equal the payload.</param>
    /// <param name="manifestJsonOrigin">Where manifest.json came from.</param>
    public static VerificationReport Verify(string jws, string origin, IReadOnlyList<VerificationKey> keys, OpenRelative openFirmware, byte[]? manifestJson = null, string? manifestJsonOrigin = null)
    {
        var (manifest, key) = VerifyManifest(jws, origin, keys, manifestJson, manifestJsonOrigin);
        using var stream = openFirmware(manifest.Firmware.Path, out var firmwareOrigin);
        return new VerificationReport(manifest, key, origin, firmwareOrigin, CheckFirmware(manifest, origin, stream, firmwareOrigin));
    }

    /// <summary>The signature and the manifest's form; the firmware is checked separately with <see cref="CheckFirmware"/>.</summary>
    public static (ReleaseManifest Manifest, VerificationKey Key) VerifyManifest(string jws, string origin, IReadOnlyList<VerificationKey> keys, byte[]? manifestJson = null, string? manifestJsonOrigin = null)
    {
        var verified = CompactJws.Verify(jws, keys, origin);
        var manifest = ManifestSerializer.Deserialize(verified.Payload, origin);
        if (manifestJson is not null && !manifestJson.AsSpan().SequenceEqual(verified.Payload))
        {
            throw new EspReleaseException(DiagnosticCodes.ManifestPayloadMismatch,
                $"{manifestJsonOrigin}: differs from the payload signed in {origin}; one of them was edited after `pack`. Devices trust only the signed one. Pack the release again instead of editing either file.", manifestJsonOrigin);
        }

        var path = manifest.Firmware.Path;
        if (InputPath.Problem(path) is { } problem)
        {
            throw new EspReleaseException(DiagnosticCodes.ManifestInvalid, $"{origin}: firmware.path is {InputPath.Quote(path)}: expected the firmware's path relative to the manifest, but {problem}. Pack and publish the release again.", origin);
        }

        if (path.StartsWith('/') || path.Contains("://", StringComparison.Ordinal) || path.Contains('\\', StringComparison.Ordinal))
        {
            throw new EspReleaseException(DiagnosticCodes.ManifestInvalid, $"{origin}: firmware.path {InputPath.Quote(path)} is not a relative path.", origin);
        }

        return (manifest, verified.Key);
    }

    /// <summary>Checks the downloaded firmware against its manifest: size, SHA-256, a valid image, and the same chip, project, version and secure_version.</summary>
    /// <param name="manifest">The verified manifest.</param>
    /// <param name="origin">Where the manifest came from.</param>
    /// <param name="stream">The firmware (seekable), or null when it does not exist.</param>
    /// <param name="firmwareOrigin">The firmware's file or URL.</param>
    public static ImageInspection CheckFirmware(ReleaseManifest manifest, string origin, Stream? stream, string firmwareOrigin)
    {
        if (stream is null)
        {
            throw new EspReleaseException(DiagnosticCodes.FirmwareMissing,
                $"{firmwareOrigin}: the firmware named by {origin} is missing; a device would fail the download (HTTP 404). Publish the release again.", firmwareOrigin);
        }

        var image = AppImageReader.Inspect(stream, firmwareOrigin);
        var sha = image.FileSha256 is null ? "" : Convert.ToHexStringLower(image.FileSha256);
        if (image.Size != manifest.Firmware.Size || sha != manifest.Firmware.Sha256)
        {
            throw new EspReleaseException(DiagnosticCodes.FirmwareMismatch,
                $"{firmwareOrigin}: expected {manifest.Firmware.Size} bytes with SHA-256 {manifest.Firmware.Sha256} (from {origin}), found {image.Size} bytes with SHA-256 {sha}. The file was replaced or damaged after signing; publish the release again.", firmwareOrigin);
        }

        if (!image.Valid)
        {
            throw new EspReleaseException([.. image.Errors]);
        }

        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        Agree(origin, firmwareOrigin, "chip id", manifest.ChipId.ToString(invariant), image.Header?.ChipId.ToString(invariant));
        Agree(origin, firmwareOrigin, "project", manifest.Project, image.App?.ProjectName);
        Agree(origin, firmwareOrigin, "version", manifest.Version, image.App?.Version);
        Agree(origin, firmwareOrigin, "secure_version", manifest.SecureVersion.ToString(invariant), image.App?.SecureVersion.ToString(invariant));
        return image;
    }

    private static void Agree(string origin, string firmwareOrigin, string what, string inManifest, string? inImage)
    {
        if (inManifest != inImage)
        {
            throw new EspReleaseException(DiagnosticCodes.FirmwareMismatch,
                $"{firmwareOrigin}: the image's {what} is \"{inImage}\" but {origin} says \"{inManifest}\"; the manifest does not describe this firmware. Pack and publish the release again.", firmwareOrigin);
        }
    }
}
