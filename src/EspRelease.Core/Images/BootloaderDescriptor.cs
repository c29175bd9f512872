using System.Buffers.Binary;

namespace EspRelease.Core.Images;

/// <summary>The 80-byte <c>esp_bootloader_desc_t</c> that starts a bootloader's first segment (ESP-IDF ≥ 5.2).</summary>
public sealed record BootloaderDescriptor(byte SecureVersion, uint Version, string IdfVersion, string DateTime)
{
    public const byte MagicByte = 0x50;
    public const int Size = 80;

    public static BootloaderDescriptor Parse(ReadOnlySpan<byte> d) => new(
        SecureVersion: d[3],
        Version: BinaryPrimitives.ReadUInt32LittleEndian(d[4..]),
        IdfVersion: FixedString.Decode(d.Slice(8, 32)),
        DateTime: FixedString.Decode(d.Slice(40, 24)));
}
