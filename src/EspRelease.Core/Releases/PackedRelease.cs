using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Manifests;

namespace EspRelease.Core.Releases;

/// <summary>The merged flash image for first programming, and its ESP Web Tools manifest.</summary>
public sealed record FactoryImage(string ImagePath, long Size, string Sha256, string WebManifestPath);

/// <summary>A release written to a directory: firmware, manifest.json (the JWS payload, byte for byte) and manifest.jws.</summary>
public sealed record PackedRelease
{
    public required string Directory { get; init; }

    public required ReleaseManifest Manifest { get; init; }

    public required byte[] ManifestBytes { get; init; }

    public required string Jws { get; init; }

    public required string KeyId { get; init; }

    public required string FirmwarePath { get; init; }

    public FactoryImage? Factory { get; init; }

    /// <summary>Warnings met on the way (validation and version rules); errors would have refused the release.</summary>
    public required IReadOnlyList<Diagnostic> Warnings { get; init; }

    /// <summary>The build it came from; null when read back from a release directory.</summary>
    public BuildInspection? Build { get; init; }

    public string ManifestJsonPath => Path.Combine(Directory, ReleaseNaming.ManifestJson);

    public string ManifestJwsPath => Path.Combine(Directory, ReleaseNaming.ManifestJws);
}
