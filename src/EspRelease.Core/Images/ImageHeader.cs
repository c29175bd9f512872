using System.Buffers.Binary;

namespace EspRelease.Core.Images;

/// <summary>The 24-byte <c>esp_image_header_t</c> at the start of every ESP32-family image.</summary>
public sealed record ImageHeader(
    byte Magic,
    int SegmentCount,
    byte SpiMode,
    byte SpiSpeed,
    byte SpiSize,
    uint EntryAddress,
    byte WpPin,
    byte[] SpiPinDrive,
    ushort ChipId,
    byte LegacyMinChipRevision,
    ushort MinChipRevisionFull,
    ushort MaxChipRevisionFull,
    byte HashAppended)
{
    public const int Size = 24;
    public const byte ImageMagic = 0xE9;

    public static ImageHeader Parse(ReadOnlySpan<byte> bytes) => new(
        Magic: bytes[0],
        SegmentCount: bytes[1],
        SpiMode: bytes[2],
        SpiSpeed: (byte)(bytes[3] & 0x0F),
        SpiSize: (byte)(bytes[3] >> 4),
        EntryAddress: BinaryPrimitives.ReadUInt32LittleEndian(bytes[4..]),
        WpPin: bytes[8],
        SpiPinDrive: bytes[9..12].ToArray(),
        ChipId: BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]),
        LegacyMinChipRevision: bytes[14],
        MinChipRevisionFull: BinaryPrimitives.ReadUInt16LittleEndian(bytes[15..]),
        MaxChipRevisionFull: BinaryPrimitives.ReadUInt16LittleEndian(bytes[17..]),
        HashAppended: bytes[23]);

    /// <summary>0 and 0xFFFF both mean "no upper limit" to the bootloader.</summary>
    public bool HasMaxChipRevision => MaxChipRevisionFull is not 0 and not 0xFFFF;

    public string FlashModeName => SpiMode switch
    {
        0 => "QIO",
        1 => "QOUT",
        2 => "DIO",
        3 => "DOUT",
        4 => "FAST_READ",
        5 => "SLOW_READ",
        _ => $"unknown (0x{SpiMode:x})",
    };

    public string FlashSizeName => SpiSize <= 7 ? $"{1 << SpiSize}MB" : $"unknown (0x{SpiSize:x})";

    /// <summary>Revision <c>major×100+minor</c> as esptool prints it: <c>v3.1</c>, <c>v655.35</c>.</summary>
    public static string FormatRevision(ushort full) => $"v{full / 100}.{full % 100}";
}
