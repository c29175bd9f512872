using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EspRelease.Testing;

/// <summary>
/// Builds ESP32-family images in code, for shapes no fixture has: written from the format
/// description (header, segments, XOR checksum at the end of a 16-byte block, SHA-256), so a
/// disagreement with the reader points at one of the two.
/// </summary>
public sealed class ImageBuilder
{
    private readonly List<(uint Address, byte[] Data)> _segments = [];

    public ushort ChipId { get; set; } = 2;
    public byte SpiMode { get; set; } = 2;
    public byte FlashSizeFreq { get; set; } = 0x1F;
    public uint Entry { get; set; } = 0x40022f84;
    public bool AppendHash { get; set; } = true;

    public ImageBuilder Segment(uint address, byte[] data)
    {
        _segments.Add((address, data));
        return this;
    }

    /// <summary>Adds a first DROM segment holding an esp_app_desc_t (S2 addresses by default).</summary>
    public ImageBuilder AppDescriptor(string project, string version, uint secureVersion = 0, int length = 256, uint address = 0x3f000020)
    {
        var data = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(data, 0xABCD5432);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(4), secureVersion);
        Encoding.ASCII.GetBytes(version).CopyTo(data, 0x10);
        Encoding.ASCII.GetBytes(project).CopyTo(data, 0x30);
        Encoding.ASCII.GetBytes("12:00:00").CopyTo(data, 0x50);
        Encoding.ASCII.GetBytes("Jan  1 2026").CopyTo(data, 0x60);
        Encoding.ASCII.GetBytes("v5.3.1").CopyTo(data, 0x70);
        return Segment(address, data);
    }

    public byte[] Build()
    {
        using var ms = new MemoryStream();
        Write(ms);
        return ms.ToArray();
    }

    /// <summary>Writes the image to <paramref name="output"/> without holding it in memory twice.</summary>
    public void Write(Stream output)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Put(ReadOnlySpan<byte> bytes)
        {
            output.Write(bytes);
            sha.AppendData(bytes);
        }

        var header = new byte[24];
        header[0] = 0xE9;
        header[1] = (byte)_segments.Count;
        header[2] = SpiMode;
        header[3] = FlashSizeFreq;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), Entry);
        header[8] = 0xEE;
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(12), ChipId);
        header[23] = AppendHash ? (byte)1 : (byte)0;
        Put(header);

        long position = 24;
        byte xor = 0xEF;
        var segmentHeader = new byte[8];
        foreach (var (address, data) in _segments)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader, address);
            BinaryPrimitives.WriteUInt32LittleEndian(segmentHeader.AsSpan(4), (uint)data.Length);
            Put(segmentHeader);
            Put(data);
            foreach (var b in data)
            {
                xor ^= b;
            }

            position += 8 + data.Length;
        }

        var padded = (position + 16) & ~15L;
        var footer = new byte[padded - position];
        footer[^1] = xor;
        Put(footer);
        if (AppendHash)
        {
            output.Write(sha.GetCurrentHash());
        }
    }
}
