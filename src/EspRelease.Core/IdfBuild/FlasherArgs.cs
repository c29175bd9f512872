using System.Globalization;
using System.Text.Json;
using EspRelease.Core.IO;

namespace EspRelease.Core.IdfBuild;

/// <summary>One image of the flash layout: where it goes and which file (relative to the build dir).</summary>
public sealed record FlashFile(string Name, uint Offset, string File, bool Encrypted);

/// <summary>
/// The parts of <c>flasher_args.json</c> esp-release uses: the flash settings and the named images.
/// Offsets are hex strings and <c>encrypted</c> is the string "true"/"false" (CMake output).
/// </summary>
public sealed record FlasherArgs(string? FlashMode, string? FlashSize, string? FlashFrequency, string? Chip, IReadOnlyList<FlashFile> Files)
{
    public const string FileName = "flasher_args.json";

    public FlashFile? App => Find("app");

    public FlashFile? Bootloader => Find("bootloader");

    // ESP-IDF has always written "partition-table"; the underscore spelling is accepted in case a tool rewrote it.
    public FlashFile? PartitionTable => Find("partition-table") ?? Find("partition_table");

    public FlashFile? OtaData => Find("otadata");

    /// <summary>The flash size in bytes ("4MB" → 4 MiB), or null when the build leaves it to the chip ("detect", "keep") or it is not a size.</summary>
    public ulong? FlashSizeBytes =>
        FlashSize is { Length: > 2 } text && text.EndsWith("MB", StringComparison.OrdinalIgnoreCase)
        && uint.TryParse(text.AsSpan(0, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var megabytes) && megabytes is > 0 and <= 4096
            ? megabytes * 1024UL * 1024UL
            : null;

    private FlashFile? Find(string name) => Files.FirstOrDefault(f => f.Name == name);

    /// <exception cref="JsonException">The file is not JSON, or an entry is malformed.</exception>
    public static FlasherArgs Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = BuildJsonFile.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the top level is not a JSON object");
        }

        string? mode = null, size = null, freq = null, chip = null;
        if (root.TryGetProperty("flash_settings", out var settings) && settings.ValueKind == JsonValueKind.Object)
        {
            mode = ProjectDescription.Optional(settings, "flash_mode");
            size = ProjectDescription.Optional(settings, "flash_size");
            freq = ProjectDescription.Optional(settings, "flash_freq");
        }

        if (root.TryGetProperty("extra_esptool_args", out var extra) && extra.ValueKind == JsonValueKind.Object)
        {
            chip = ProjectDescription.Optional(extra, "chip");
        }

        var files = new List<FlashFile>();
        foreach (var member in root.EnumerateObject())
        {
            if (member.Value.ValueKind == JsonValueKind.Object && member.Value.TryGetProperty("offset", out _) && member.Value.TryGetProperty("file", out _))
            {
                files.Add(new FlashFile(
                    member.Name,
                    ParseOffset(ProjectDescription.Required(member.Value, "offset"), member.Name),
                    BuildJsonFile.FilePath(ProjectDescription.Required(member.Value, "file"), $"{InputPath.Quote(member.Name)}.file"),
                    string.Equals(ProjectDescription.Optional(member.Value, "encrypted"), "true", StringComparison.OrdinalIgnoreCase)));
            }
        }

        return new FlasherArgs(mode, size, freq, chip, files);
    }

    private static uint ParseOffset(string text, string entry)
    {
        var hex = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        var ok = hex
            ? uint.TryParse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var value)
            : uint.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
        return ok ? value : throw new JsonException($"{InputPath.Quote(entry)}.offset is {InputPath.Quote(text)}, expected a 32-bit flash offset such as \"0x10000\"");
    }
}
