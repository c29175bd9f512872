using System.Buffers.Binary;

namespace EspRelease.Core.Images;

/// <summary>
/// The 256-byte <c>esp_app_desc_t</c> at file offset 0x20 of an application image: what the
/// device and esp_https_ota read to decide whether an update is new and may run.
/// </summary>
public sealed record AppDescriptor(
    uint SecureVersion,
    string Version,
    string ProjectName,
    string CompileTime,
    string CompileDate,
    string IdfVersion,
    byte[] ElfSha256,
    ushort MinEfuseBlockRevision,
    ushort MaxEfuseBlockRevision,
    byte MmuPageSizeLog2,
    byte SpiFlashMode)
{
    public const uint MagicWord = 0xABCD5432;
    public const int Size = 256;
    public const int FileOffset = 0x20;

    public static bool HasMagic(ReadOnlySpan<byte> descriptor) =>
        descriptor.Length >= 4 && BinaryPrimitives.ReadUInt32LittleEndian(descriptor) == MagicWord;

    public static AppDescriptor Parse(ReadOnlySpan<byte> d) => new(
        SecureVersion: BinaryPrimitives.ReadUInt32LittleEndian(d[0x04..]),
        Version: FixedString.Decode(d.Slice(0x10, 32)),
        ProjectName: FixedString.Decode(d.Slice(0x30, 32)),
        CompileTime: FixedString.Decode(d.Slice(0x50, 16)),
        CompileDate: FixedString.Decode(d.Slice(0x60, 16)),
        IdfVersion: FixedString.Decode(d.Slice(0x70, 32)),
        ElfSha256: d.Slice(0x90, 32).ToArray(),
        MinEfuseBlockRevision: BinaryPrimitives.ReadUInt16LittleEndian(d[0xB0..]),
        MaxEfuseBlockRevision: BinaryPrimitives.ReadUInt16LittleEndian(d[0xB2..]),
        MmuPageSizeLog2: d[0xB4],
        SpiFlashMode: d[0xB5]);

    /// <summary>The MMU page size the image was laid out for; 64 KiB for legacy images (field 0) or nonsense values.</summary>
    public int MmuPageSize => MmuPageSizeLog2 is >= 13 and <= 18 ? 1 << MmuPageSizeLog2 : 0x10000;
}
