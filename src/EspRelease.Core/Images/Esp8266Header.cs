namespace EspRelease.Core.Images;

/// <summary>
/// The header of an ESP8266 image: 8 bytes (magic, segment count, flash mode, flash size/frequency
/// byte, entry point) and no ESP32 extended header. <see cref="ImageVersion"/> 1 is the ROM
/// loader's format (first byte 0xE9); 2 (first byte 0xEA) is the NONOS SDK bootloader's, whose
/// irom0 segment comes before a second, V1-style header that holds the values shown here.
/// Names follow esptool's ESP8266 tables (<c>esptool/targets/esp8266.py</c>).
/// </summary>
public sealed record Esp8266Header(int ImageVersion, int SegmentCount, byte FlashMode, byte FlashSizeFreq, uint EntryAddress)
{
    public const int Size = 8;
    public const byte V2Magic = 0xEA;

    /// <summary>The chip name esptool prints ("Detected image type: ESP8266").</summary>
    public const string ChipName = "ESP8266";

    // Keyed by the whole high nibble as esptool stores it (FLASH_SIZES), not by a power of two:
    // the ESP8266 codes are not ordered by size.
    private static readonly Dictionary<int, string> _flashSizes = new()
    {
        [0x00] = "512KB", [0x10] = "256KB", [0x20] = "1MB", [0x30] = "2MB", [0x40] = "4MB",
        [0x50] = "2MB-c1", [0x60] = "4MB-c1", [0x80] = "8MB", [0x90] = "16MB",
    };

    private static readonly Dictionary<int, string> _flashFrequencies = new() { [0x0] = "40m", [0x1] = "26m", [0x2] = "20m", [0xF] = "80m" };

    // The ROM reads the four SPI modes esptool writes; esptool names no others.
    private static readonly string[] _flashModes = ["QIO", "QOUT", "DIO", "DOUT"];

    private static readonly MemoryRegion[] _memoryMap =
    [
        new(0x3FF00000, 0x3FF00010, "DPORT"), new(0x3FFE8000, 0x40000000, "DRAM"),
        new(0x40100000, 0x40108000, "IRAM"), new(0x40201010, 0x402E1010, "IROM"),
    ];

    // What the cache maps from flash (esptool's IROM_MAP_START..IROM_MAP_END).
    private static readonly MemoryRegion _flashWindow = new(0x40200000, 0x40300000, "IROM");

    // Every address an ESP8266 image can load to: DPORT, DRAM, ROM, the whole 64 KiB of IRAM (the
    // upper half, the flash cache, is where boot loaders such as Arduino's eboot run), the flash
    // window, and RTC memory. Wider than the memory map on purpose: only used to tell the formats apart.
    private static readonly MemoryRegion[] _addressSpace = [new(0x3FF00000, 0x40300000, "ESP8266"), new(0x60000000, 0x60002000, "RTC")];

    public string FlashModeName => FlashMode < _flashModes.Length ? _flashModes[FlashMode] : $"unknown (0x{FlashMode:x})";

    public string FlashSizeName => _flashSizes.TryGetValue(FlashSizeFreq & 0xF0, out var size) ? size : $"unknown (0x{FlashSizeFreq & 0xF0:x2})";

    public string FlashFrequencyName => _flashFrequencies.TryGetValue(FlashSizeFreq & 0x0F, out var freq) ? freq : $"unknown (0x{FlashSizeFreq & 0x0F:x})";

    /// <summary>The labels esptool prints for a segment loaded at <paramref name="address"/> (none outside its map).</summary>
    public static IReadOnlyList<string> MemoryTypesOf(uint address) =>
        _memoryMap.Where(r => r.Contains(address)).Select(r => r.Label).ToArray();

    public static bool IsFlashMapped(uint address) => _flashWindow.Contains(address);

    internal static bool IsLoadAddress(uint address) => _addressSpace.Any(r => r.Contains(address));
}
