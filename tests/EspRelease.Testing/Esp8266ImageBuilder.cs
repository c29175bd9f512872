using System.Buffers.Binary;
using System.Security.Cryptography;

namespace EspRelease.Testing;

/// <summary>
/// Builds ESP8266 images in code, since the repository holds no real ones: V1 (the ROM loader's
/// format: an 8-byte header, segments, the XOR checksum at the end of a 16-byte block, no hash)
/// and V2 (first byte 0xEA, the irom0 segment, then a V1 header and its segments, and the SDK
/// bootloader's CRC-32 after the checksum, as esptool's <c>elf2image --version 2</c> writes it).
/// </summary>
public sealed class Esp8266ImageBuilder
{
    private readonly List<(uint Address, byte[] Data)> _segments = [];

    public int Version { get; set; } = 1;
    public byte FlashMode { get; set; } = 2;
    public byte FlashSizeFreq { get; set; } = 0x40;
    public uint Entry { get; set; } = 0x4010f29c;

    /// <summary>V2 only: the irom0 segment, written with load address 0 before the second header.</summary>
    public byte[] Irom { get; set; } = [];

    /// <summary>The shape of Arduino-ESP8266's eboot (esptool's esp8266_deepsleep.bin): DIO, 4MB/40m, one segment in the IRAM cache half.</summary>
    public static Esp8266ImageBuilder ArduinoEboot()
    {
        // Xtensa code starts with its literal pool. An IRAM address as the second word puts 0x40 at
        // file byte 23, which an ESP32 reading takes for hash_appended, as in the real image.
        var code = Filler(0x4010f000, 0x568);
        BinaryPrimitives.WriteUInt32LittleEndian(code.AsSpan(4), 0x4010f568);
        return new Esp8266ImageBuilder().Segment(0x4010f000, code);
    }

    /// <summary>The shape of the NONOS SDK bootloader (esptool's bootloader_esp8266.bin): QIO, 512KB/40m, IRAM then two DRAM segments.</summary>
    public static Esp8266ImageBuilder NonOsBootloader() =>
        new Esp8266ImageBuilder { FlashMode = 0, FlashSizeFreq = 0x00, Entry = 0x40100294 }
            .Segment(0x40100000, 0x574).Segment(0x3ffe8000, 0x308).Segment(0x3ffe8308, 0x21c);

    public Esp8266ImageBuilder Segment(uint address, byte[] data)
    {
        _segments.Add((address, data));
        return this;
    }

    /// <summary>A segment of <paramref name="length"/> fixed pseudo-random bytes (the same for the same address and length).</summary>
    public Esp8266ImageBuilder Segment(uint address, int length) => Segment(address, Filler(address, length));

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        Span<byte> header = stackalloc byte[8];
        if (Version == 2)
        {
            WriteHeader(ms, header, 0xEA, 4);
            WriteSegment(ms, 0, Irom);
        }

        WriteHeader(ms, header, 0xE9, _segments.Count);
        byte xor = 0xEF;
        foreach (var (address, data) in _segments)
        {
            WriteSegment(ms, address, data);
            xor ^= data.Aggregate((byte)0, (a, b) => (byte)(a ^ b));
        }

        var padded = (ms.Length + 16) & ~15L;
        var footer = new byte[padded - ms.Length];
        footer[^1] = xor;
        ms.Write(footer);
        if (Version == 2)
        {
            Span<byte> crc = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32LittleEndian(crc, SdkCrc32(ms.ToArray()));
            ms.Write(crc);
        }

        return ms.ToArray();
    }

    private void WriteHeader(Stream output, Span<byte> header, byte magic, int count)
    {
        header[0] = magic;
        header[1] = (byte)count;
        header[2] = FlashMode;
        header[3] = FlashSizeFreq;
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Entry);
        output.Write(header);
    }

    private static void WriteSegment(Stream output, uint address, byte[] data)
    {
        Span<byte> header = stackalloc byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(header, address);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)data.Length);
        output.Write(header);
        output.Write(data);
    }

    private static byte[] Filler(uint address, int length)
    {
        var data = new byte[length];
        Span<byte> seed = stackalloc byte[8];
        for (var block = 0; block * 32 < length; block++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(seed, address);
            BinaryPrimitives.WriteInt32LittleEndian(seed[4..], block);
            var hash = SHA256.HashData(seed);
            hash.AsSpan(0, Math.Min(32, length - (block * 32))).CopyTo(data.AsSpan(block * 32));
        }

        return data;
    }

    // The NONOS SDK bootloader's variant of CRC-32 (esptool's esp8266_crc32).
    private static uint SdkCrc32(byte[] data)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }

        crc = ~crc;
        return (crc & 0x80000000) != 0 ? crc ^ 0xFFFFFFFF : crc + 1;
    }
}
