using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Images;

/// <summary>The XOR checksum byte: the one stored in the file and the one computed over the segment data.</summary>
public sealed record ChecksumCheck(byte Stored, byte Computed, long Offset)
{
    public bool Valid => Stored == Computed;
}

/// <summary>The appended SHA-256 "validation hash": stored after the checksum, computed over everything before it.</summary>
public sealed record HashCheck(byte[] Stored, byte[] Computed)
{
    public bool Valid => Stored.AsSpan().SequenceEqual(Computed);
}

/// <summary>What follows the image proper.</summary>
public enum TrailerKind
{
    /// <summary>Nothing: the file ends with the image.</summary>
    None,

    /// <summary>Only 0xFF filler (a padded but unsigned image, or a flash read-back).</summary>
    ErasedFill,

    /// <summary>A Secure Boot V2 signature sector (4 KiB, on a 4 KiB boundary).</summary>
    SecureBootV2,

    /// <summary>A candidate Secure Boot V1 / "signed apps" ECDSA signature (ESP32 only; needs the key to check).</summary>
    SecureBootV1,

    /// <summary>Bytes that are neither filler nor a signature.</summary>
    Unknown,
}

/// <summary>
/// Everything esp-release learned from one image file. Content problems never throw: they are in
/// <see cref="Diagnostics"/>, and <see cref="Valid"/> is false when any of them is an error.
/// </summary>
public sealed class ImageInspection
{
    public required string File { get; init; }

    public long Size { get; internal set; }

    /// <summary>SHA-256 of the whole file (what a host and a manifest name); null only if the file could not be read.</summary>
    public byte[]? FileSha256 { get; internal set; }

    public ImageKind Kind { get; internal set; } = ImageKind.NotAnImage;

    /// <summary>The ESP32-family header; null for an ESP8266 image, whose header is <see cref="Esp8266"/>.</summary>
    public ImageHeader? Header { get; internal set; }

    /// <summary>The header of an ESP8266 image (<see cref="ImageKind.Esp8266"/>), which has no ESP32 extended header; null otherwise.</summary>
    public Esp8266Header? Esp8266 { get; internal set; }

    public ChipInfo? Chip { get; internal set; }

    public List<ImageSegment> Segments { get; } = [];

    public ChecksumCheck? Checksum { get; internal set; }

    /// <summary>The appended SHA-256, or null when the header says none is appended (or the file ends first).</summary>
    public HashCheck? Hash { get; internal set; }

    public AppDescriptor? App { get; internal set; }

    public BootloaderDescriptor? Bootloader { get; internal set; }

    /// <summary>Length of the image proper: up to the checksum, plus the 32-byte hash when appended.</summary>
    public long ImageLength { get; internal set; }

    public TrailerKind Trailer { get; internal set; }

    /// <summary>SHA-256 of everything before the signature sector, i.e. what Secure Boot V2 blocks sign.</summary>
    public byte[]? SignedDigest { get; internal set; }

    public IReadOnlyList<SignatureBlock> Signatures { get; internal set; } = [];

    public List<Diagnostic> Diagnostics { get; } = [];

    public IEnumerable<Diagnostic> Errors => Diagnostics.Where(d => d.Severity == Severity.Error);

    public IEnumerable<Diagnostic> Warnings => Diagnostics.Where(d => d.Severity == Severity.Warning);

    public bool Valid => !Errors.Any();

    internal void Error(string code, string message) => Diagnostics.Add(new(code, Severity.Error, message, File));

    internal void Warn(string code, string message) => Diagnostics.Add(new(code, Severity.Warning, message, File));
}
