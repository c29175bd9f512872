namespace EspRelease.Core.Manifests;

/// <summary>The firmware file a manifest points to.</summary>
/// <param name="Path">Relative to the manifest's own location (a URL path, '/'-separated).</param>
/// <param name="Size">Bytes, as the device will receive them (Content-Length).</param>
/// <param name="Sha256">Lowercase hex SHA-256 of the whole file.</param>
/// <param name="ImageDigest">Lowercase hex of the SHA-256 appended to the image (esptool's "validation hash", ESP-IDF's image_digest).</param>
public sealed record FirmwareReference(string Path, long Size, string Sha256, string? ImageDigest);

/// <summary>
/// What a device needs to decide whether to take a release, signed as one JWS: which product and
/// chip it is for, its version and anti-rollback level, and the exact bytes to download. The
/// format is documented in docs/manifest.md and docs/manifest.schema.json.
/// </summary>
public sealed record ReleaseManifest
{
    /// <summary>The format's id; a device refuses any other.</summary>
    public const string SchemaId = "esp-release/manifest/v1";

    public string Schema { get; init; } = SchemaId;

    public required string Project { get; init; }

    /// <summary>The app descriptor's version, byte for byte.</summary>
    public required string Version { get; init; }

    /// <summary>The ESP-IDF target name (<c>esp32s3</c>).</summary>
    public required string Chip { get; init; }

    /// <summary>The image header's chip id (<c>esp_chip_id_t</c>).</summary>
    public required int ChipId { get; init; }

    /// <summary>Lowest chip revision the image runs on, as major×100+minor (what efuse_hal_chip_revision() returns).</summary>
    public required int MinChipRevision { get; init; }

    /// <summary>Highest chip revision, major×100+minor; null when the image sets no limit.</summary>
    public int? MaxChipRevision { get; init; }

    /// <summary>The anti-rollback <c>secure_version</c> compiled into the image.</summary>
    public required uint SecureVersion { get; init; }

    public required string IdfVersion { get; init; }

    /// <summary>SHA-256 of the ELF the image came from (lowercase hex); null when the build did not record it.</summary>
    public string? ElfSha256 { get; init; }

    public required FirmwareReference Firmware { get; init; }

    public required string Channel { get; init; }

    /// <summary>
    /// Increases by one with every publish, promote and rollback on <see cref="Channel"/>; a device
    /// refuses a manifest whose sequence is not above the last it accepted (anti-replay). 0 in a
    /// packed release that no channel has pointed at yet.
    /// </summary>
    public required long Sequence { get; init; }

    /// <summary>UTC, whole seconds; from SOURCE_DATE_EPOCH when set, so rebuilds give the same bytes.</summary>
    public required DateTimeOffset Created { get; init; }

    /// <summary>In channel pointers only: what made the channel point here (publish, promote, rollback, rollout, halt).</summary>
    public string? Action { get; init; }

    /// <summary>In channel pointers only: which share of devices may take the release; null means every device.</summary>
    public RolloutState? Rollout { get; init; }
}
