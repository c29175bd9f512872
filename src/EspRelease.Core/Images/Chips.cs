namespace EspRelease.Core.Images;

/// <summary>
/// The ESP32-family chips an image header can name. Facts from ESP-IDF (<c>esp_chip_id_t</c>,
/// bootloader offsets, anti-rollback eFuse widths) and esptool (frequency encodings, memory maps).
/// </summary>
/// <remarks>
/// Memory-type labels follow esptool v4.8.1 for the chips it knows, because that is the release
/// the reference <c>image_info</c> outputs were made with (v5 relabels the C6 flash window
/// "DROM, IROM"); chips newer than v4.8.1 take esptool master's map. Flash windows, which decide
/// whether a segment is flash-resident, follow the current silicon (ESP-IDF master).
/// </remarks>
public static class Chips
{
    private static readonly Dictionary<int, string> _classicFrequencies = new() { [0x0] = "40m", [0x1] = "26m", [0x2] = "20m", [0xF] = "80m" };
    private static readonly Dictionary<int, string> _c2Frequencies = new() { [0x0] = "30m", [0x1] = "20m", [0x2] = "15m", [0xF] = "60m" };
    private static readonly Dictionary<int, string> _c5Frequencies = new() { [0x0] = "40m", [0x2] = "20m", [0xF] = "80m" };
    // The C6 ROM needs 80m written as 0 (divider workaround), so 0 reads back as 80m, as esptool prints it.
    private static readonly Dictionary<int, string> _c6Frequencies = new() { [0x0] = "80m", [0x2] = "20m" };
    private static readonly Dictionary<int, string> _h2Frequencies = new() { [0x0] = "24m", [0x1] = "16m", [0x2] = "12m", [0xF] = "48m" };

    private static MemoryRegion R(uint start, uint end, string label) => new(start, end, label);

    private static readonly MemoryRegion _padding = R(0x00000000, 0x00010000, "PADDING");

    private static readonly MemoryRegion[] _c6Map =
    [
        _padding, R(0x42800000, 0x43000000, "DROM"), R(0x40800000, 0x40880000, "DRAM"),
        R(0x40800000, 0x40880000, "BYTE_ACCESSIBLE"), R(0x4004AC00, 0x40050000, "DROM_MASK"),
        R(0x40000000, 0x4004AC00, "IROM_MASK"), R(0x42000000, 0x42800000, "IROM"),
        R(0x40800000, 0x40880000, "IRAM"), R(0x50000000, 0x50004000, "RTC_IRAM"),
        R(0x50000000, 0x50004000, "RTC_DRAM"), R(0x600FE000, 0x60100000, "MEM_INTERNAL2"),
    ];

    private static readonly MemoryRegion[] _c6Windows = [R(0x42000000, 0x42800000, "IROM"), R(0x42800000, 0x43000000, "DROM")];

    public static ChipInfo Esp32 { get; } = new(0, "ESP32", "esp32", 0x1000, _classicFrequencies,
        [R(0x400D0000, 0x40400000, "IROM"), R(0x3F400000, 0x3F800000, "DROM")],
        [
            _padding, R(0x3F400000, 0x3F800000, "DROM"), R(0x3F800000, 0x3FC00000, "EXTRAM_DATA"),
            R(0x3FF80000, 0x3FF82000, "RTC_DRAM"), R(0x3FF90000, 0x40000000, "BYTE_ACCESSIBLE"),
            R(0x3FFAE000, 0x40000000, "DRAM"), R(0x3FFE0000, 0x3FFFFFFC, "DIRAM_DRAM"),
            R(0x40000000, 0x40070000, "IROM"), R(0x40070000, 0x40078000, "CACHE_PRO"),
            R(0x40078000, 0x40080000, "CACHE_APP"), R(0x40080000, 0x400A0000, "IRAM"),
            R(0x400A0000, 0x400BFFFC, "DIRAM_IRAM"), R(0x400C0000, 0x400C2000, "RTC_IRAM"),
            R(0x400D0000, 0x40400000, "IROM"), R(0x50000000, 0x50002000, "RTC_DATA"),
        ],
        secureVersionEfuseBits: 32, supportsSecureBootRsa: true, supportsSecureBootEcdsa: false);

    public static ChipInfo Esp32S2 { get; } = new(2, "ESP32-S2", "esp32s2", 0x1000, _classicFrequencies,
        [R(0x40080000, 0x40B80000, "IROM"), R(0x3F000000, 0x3F3F0000, "DROM")],
        [
            _padding, R(0x3F000000, 0x3FF80000, "DROM"), R(0x3F500000, 0x3FF80000, "EXTRAM_DATA"),
            R(0x3FF9E000, 0x3FFA0000, "RTC_DRAM"), R(0x3FF9E000, 0x40000000, "BYTE_ACCESSIBLE"),
            R(0x3FF9E000, 0x40072000, "MEM_INTERNAL"), R(0x3FFB0000, 0x40000000, "DRAM"),
            R(0x40000000, 0x4001A100, "IROM_MASK"), R(0x40020000, 0x40070000, "IRAM"),
            R(0x40070000, 0x40072000, "RTC_IRAM"), R(0x40080000, 0x40800000, "IROM"),
            R(0x50000000, 0x50002000, "RTC_DATA"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: false);

    public static ChipInfo Esp32C3 { get; } = new(5, "ESP32-C3", "esp32c3", 0x0, _classicFrequencies,
        [R(0x42000000, 0x42800000, "IROM"), R(0x3C000000, 0x3C800000, "DROM")],
        [
            _padding, R(0x3C000000, 0x3C800000, "DROM"), R(0x3FC80000, 0x3FCE0000, "DRAM"),
            R(0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"), R(0x3FF00000, 0x3FF20000, "DROM_MASK"),
            R(0x40000000, 0x40060000, "IROM_MASK"), R(0x42000000, 0x42800000, "IROM"),
            R(0x4037C000, 0x403E0000, "IRAM"), R(0x50000000, 0x50002000, "RTC_IRAM"),
            R(0x50000000, 0x50002000, "RTC_DRAM"), R(0x600FE000, 0x60100000, "MEM_INTERNAL2"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: false);

    public static ChipInfo Esp32S3 { get; } = new(9, "ESP32-S3", "esp32s3", 0x0, _classicFrequencies,
        [R(0x42000000, 0x44000000, "IROM"), R(0x3C000000, 0x3E000000, "DROM")],
        [
            _padding, R(0x3C000000, 0x3D000000, "DROM"), R(0x3D000000, 0x3E000000, "EXTRAM_DATA"),
            R(0x600FE000, 0x60100000, "RTC_DRAM"), R(0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"),
            R(0x3FC88000, 0x403E2000, "MEM_INTERNAL"), R(0x3FC88000, 0x3FD00000, "DRAM"),
            R(0x40000000, 0x4001A100, "IROM_MASK"), R(0x40370000, 0x403E0000, "IRAM"),
            R(0x600FE000, 0x60100000, "RTC_IRAM"), R(0x42000000, 0x42800000, "IROM"),
            R(0x50000000, 0x50002000, "RTC_DATA"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: false);

    public static ChipInfo Esp32C2 { get; } = new(12, "ESP32-C2", "esp32c2", 0x0, _c2Frequencies,
        [R(0x42000000, 0x42400000, "IROM"), R(0x3C000000, 0x3C400000, "DROM")],
        [
            _padding, R(0x3C000000, 0x3C400000, "DROM"), R(0x3FCA0000, 0x3FCE0000, "DRAM"),
            R(0x3FC88000, 0x3FD00000, "BYTE_ACCESSIBLE"), R(0x3FF00000, 0x3FF50000, "DROM_MASK"),
            R(0x40000000, 0x40090000, "IROM_MASK"), R(0x42000000, 0x42400000, "IROM"),
            R(0x4037C000, 0x403C0000, "IRAM"),
        ],
        secureVersionEfuseBits: 4, supportsSecureBootRsa: false, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32C6 { get; } = new(13, "ESP32-C6", "esp32c6", 0x0, _c6Frequencies, _c6Windows, _c6Map,
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32H2 { get; } = new(16, "ESP32-H2", "esp32h2", 0x0, _h2Frequencies, _c6Windows, _c6Map,
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32P4 { get; } = new(18, "ESP32-P4", "esp32p4", 0x2000, _classicFrequencies,
        [R(0x40000000, 0x4C000000, "IROM")],
        [
            _padding, R(0x40000000, 0x4C000000, "DROM"), R(0x4FF00000, 0x4FFA0000, "DRAM"),
            R(0x4FF00000, 0x4FFA0000, "BYTE_ACCESSIBLE"), R(0x4FC00000, 0x4FC20000, "DROM_MASK"),
            R(0x4FC00000, 0x4FC20000, "IROM_MASK"), R(0x40000000, 0x4C000000, "IROM"),
            R(0x4FF00000, 0x4FFA0000, "IRAM"), R(0x50108000, 0x50110000, "RTC_IRAM"),
            R(0x50108000, 0x50110000, "RTC_DRAM"), R(0x600FE000, 0x60100000, "MEM_INTERNAL2"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true, supportsSecureBootP384: true);

    public static ChipInfo Esp32C61 { get; } = new(20, "ESP32-C61", "esp32c61", 0x0, _c5Frequencies, _c6Windows,
        [
            _padding, R(0x42000000, 0x44000000, "DROM"), R(0x40800000, 0x40860000, "DRAM"),
            R(0x40800000, 0x40860000, "BYTE_ACCESSIBLE"), R(0x4004AC00, 0x40050000, "DROM_MASK"),
            R(0x40000000, 0x4004AC00, "IROM_MASK"), R(0x42000000, 0x44000000, "IROM"),
            R(0x40800000, 0x40860000, "IRAM"), R(0x50000000, 0x50004000, "RTC_IRAM"),
            R(0x50000000, 0x50004000, "RTC_DRAM"), R(0x600FE000, 0x60100000, "MEM_INTERNAL2"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32C5 { get; } = new(23, "ESP32-C5", "esp32c5", 0x2000, _c5Frequencies,
        [R(0x42000000, 0x44000000, "IROM")],
        [
            _padding, R(0x42000000, 0x44000000, "DROM"), R(0x40800000, 0x40860000, "DRAM"),
            R(0x40800000, 0x40860000, "BYTE_ACCESSIBLE"), R(0x4003A000, 0x40040000, "DROM_MASK"),
            R(0x40000000, 0x4003A000, "IROM_MASK"), R(0x42000000, 0x44000000, "IROM"),
            R(0x40800000, 0x40860000, "IRAM"), R(0x50000000, 0x50004000, "RTC_IRAM"),
            R(0x50000000, 0x50004000, "RTC_DRAM"), R(0x600FE000, 0x60100000, "MEM_INTERNAL2"),
        ],
        secureVersionEfuseBits: 9, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true, supportsSecureBootP384: true);

    public static ChipInfo Esp32H21 { get; } = new(25, "ESP32-H21", "esp32h21", 0x0, _h2Frequencies, _c6Windows, _c6Map,
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32H4 { get; } = new(28, "ESP32-H4", "esp32h4", 0x2000, _h2Frequencies, _c6Windows,
        [
            _padding, R(0x42000000, 0x44000000, "DROM"), R(0x40810000, 0x40860000, "DRAM"),
            R(0x40810000, 0x40860000, "BYTE_ACCESSIBLE"), R(0x40000000, 0x40050000, "DROM_MASK"),
            R(0x40000000, 0x40050000, "IROM_MASK"), R(0x42000000, 0x44000000, "IROM"),
            R(0x40810000, 0x40860000, "IRAM"), R(0x50000000, 0x50004000, "RTC_IRAM"),
            R(0x50000000, 0x50004000, "RTC_DRAM"), R(0x60000000, 0x60100000, "MEM_INTERNAL2"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32E22 { get; } = new(31, "ESP32-E22", "esp32e22", 0x0, _classicFrequencies,
        [R(0x3C000000, 0x40000000, "IROM")],
        [
            _padding, R(0x3C000000, 0x40000000, "DROM"), R(0x31000000, 0x31200000, "DRAM"),
            R(0x31000000, 0x31200000, "BYTE_ACCESSIBLE"), R(0x30000000, 0x30120000, "DROM_MASK"),
            R(0x30000000, 0x30120000, "IROM_MASK"), R(0x3C000000, 0x40000000, "IROM"),
            R(0x30FE0000, 0x31200000, "IRAM"), R(0xC0000000, 0xC0008000, "RTC_IRAM"),
            R(0xC0000000, 0xC0008000, "RTC_DRAM"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: true);

    public static ChipInfo Esp32S31 { get; } = new(32, "ESP32-S31", "esp32s31", 0x2000, _c5Frequencies,
        [R(0x40000000, 0x54000000, "IROM")],
        [
            _padding, R(0x40000000, 0x54000000, "DROM"), R(0x2F000000, 0x2F080000, "DRAM"),
            R(0x2F000000, 0x2F080000, "BYTE_ACCESSIBLE"), R(0x2F800000, 0x2F850000, "DROM_MASK"),
            R(0x2F800000, 0x2F850000, "IROM_MASK"), R(0x40000000, 0x54000000, "IROM"),
            R(0x2F000000, 0x2F080000, "IRAM"), R(0x2E000000, 0x2E008000, "RTC_IRAM"),
            R(0x2E000000, 0x2E008000, "RTC_DRAM"),
        ],
        secureVersionEfuseBits: 16, supportsSecureBootRsa: true, supportsSecureBootEcdsa: false);

    /// <summary>Every chip, in <c>chip_id</c> order.</summary>
    public static IReadOnlyList<ChipInfo> All { get; } =
        [Esp32, Esp32S2, Esp32C3, Esp32S3, Esp32C2, Esp32C6, Esp32H2, Esp32P4, Esp32C61, Esp32C5, Esp32H21, Esp32H4, Esp32E22, Esp32S31];

    /// <summary>The chip with this header <c>chip_id</c>, or null: unknown ids are never guessed.</summary>
    public static ChipInfo? FromId(int id) => All.FirstOrDefault(c => c.Id == id);

    /// <summary>The chip for an ESP-IDF target name such as <c>esp32s2</c> (case-insensitive), or null.</summary>
    public static ChipInfo? FromIdfTarget(string target) =>
        All.FirstOrDefault(c => string.Equals(c.IdfTarget, target, StringComparison.OrdinalIgnoreCase));
}
