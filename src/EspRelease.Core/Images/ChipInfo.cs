namespace EspRelease.Core.Images;

/// <summary>
/// What esp-release needs to know about one ESP32-family chip: its image <c>chip_id</c>, its
/// ESP-IDF target name, how its header encodes the flash frequency, which address windows are
/// mapped from flash, and the labels esptool prints for a segment's memory type.
/// </summary>
public sealed class ChipInfo
{
    internal ChipInfo(
        ushort id,
        string name,
        string idfTarget,
        uint bootloaderOffset,
        IReadOnlyDictionary<int, string> flashFrequencies,
        MemoryRegion[] flashWindows,
        MemoryRegion[] memoryMap,
        int secureVersionEfuseBits,
        bool supportsSecureBootRsa,
        bool supportsSecureBootEcdsa,
        bool supportsSecureBootP384 = false)
    {
        Id = id;
        Name = name;
        IdfTarget = idfTarget;
        BootloaderOffset = bootloaderOffset;
        FlashFrequencies = flashFrequencies;
        FlashWindows = flashWindows;
        MemoryMap = memoryMap;
        SecureVersionEfuseBits = secureVersionEfuseBits;
        SupportsSecureBootRsa = supportsSecureBootRsa;
        SupportsSecureBootEcdsa = supportsSecureBootEcdsa;
        SupportsSecureBootP384 = supportsSecureBootP384;
    }

    /// <summary>The <c>chip_id</c> in the extended image header.</summary>
    public ushort Id { get; }

    /// <summary>The chip's marketing name as esptool prints it, e.g. <c>ESP32-S2</c>.</summary>
    public string Name { get; }

    /// <summary>The ESP-IDF target (<c>CONFIG_IDF_TARGET</c>), e.g. <c>esp32s2</c>.</summary>
    public string IdfTarget { get; }

    /// <summary>Where the ROM loads the second-stage bootloader from.</summary>
    public uint BootloaderOffset { get; }

    /// <summary>Header low nibble of byte 3 → frequency text; chip specific.</summary>
    public IReadOnlyDictionary<int, string> FlashFrequencies { get; }

    /// <summary>Address windows the MMU maps from flash (IROM/DROM); a segment here is flash-resident.</summary>
    public IReadOnlyList<MemoryRegion> FlashWindows { get; }

    /// <summary>esptool's memory map, in esptool's order, used for the segment "Memory types" labels.</summary>
    public IReadOnlyList<MemoryRegion> MemoryMap { get; }

    /// <summary>Default width of the anti-rollback eFuse field: the highest usable <c>secure_version</c>.</summary>
    public int SecureVersionEfuseBits { get; }

    public bool SupportsSecureBootRsa { get; }

    public bool SupportsSecureBootEcdsa { get; }

    /// <summary>ECDSA P-384 (SHA-384) Secure Boot V2: ESP-IDF <c>SOC_ECDSA_SUPPORT_CURVE_P384</c> on a chip with <c>SOC_SECURE_BOOT_V2_ECC</c>.</summary>
    public bool SupportsSecureBootP384 { get; }

    public bool IsFlashMapped(uint address) => FlashWindows.Any(w => w.Contains(address));

    /// <summary>The labels of every memory-map range containing <paramref name="address"/>, as esptool lists them.</summary>
    public IReadOnlyList<string> MemoryTypesOf(uint address) =>
        MemoryMap.Where(r => r.Contains(address)).Select(r => r.Label).ToArray();

    public string DescribeFlashFrequency(int nibble) =>
        FlashFrequencies.TryGetValue(nibble, out var text) ? text : $"unknown (0x{nibble:x})";

    public override string ToString() => Name;
}
