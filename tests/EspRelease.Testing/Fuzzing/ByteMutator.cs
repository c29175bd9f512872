using System.Buffers.Binary;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// Format-blind mutations: bit flips, bytes and 16/32-bit fields set to the values parsers get wrong,
/// truncation, extension, and chunks duplicated, removed, inserted or copied over.
/// </summary>
public static class ByteMutator
{
    /// <summary>The boundary bytes, plus the ESP formats' magics (image 0xE9/0xEA, signature block 0xE7, partition 0xAA 0x50, MD5 record 0xEB).</summary>
    private static readonly byte[] _bytes = [0x00, 0xFF, 0x7F, 0x80, 0xE9, 0xEA, 0x01, 0xE7, 0xAA, 0x50, 0xEB];

    private static readonly ushort[] _fields16 = [0, 1, 0x7FFF, 0x8000, 0xFFFF];

    private static readonly uint[] _fields32 = [0, 1, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x1000, 0x00FFFFFF, 0x01000000, 0x01000001];

    /// <summary>The largest input a mutation may make: bigger inputs only cost time, not coverage.</summary>
    private const int MaxGrowth = 64 * 1024;

    /// <summary>One mutation of <paramref name="data"/> (which it may change in place); returns the result.</summary>
    /// <param name="data">The bytes so far.</param>
    /// <param name="rng">The case's random source.</param>
    /// <param name="hot">Ranges where half the offsets are picked.</param>
    /// <param name="limit">The size the result may not exceed.</param>
    public static byte[] Mutate(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, int limit)
    {
        if (data.Length == 0)
        {
            return Extend(data, rng, limit);
        }

        switch (rng.Next(12))
        {
            case 0:
                data[Offset(data, rng, hot)] ^= (byte)(1 << rng.Next(8));
                return data;
            case 1:
                data[Offset(data, rng, hot)] = Pick(rng, _bytes);
                return data;
            case 2:
                data[Offset(data, rng, hot)] = (byte)rng.Next(256);
                return data;
            case 3:
                return SetField16(data, rng, hot);
            case 4:
                return SetField32(data, rng, hot, Pick(rng, _fields32));
            case 5:
                // Off by a little: lengths and offsets one past, one short, a word further.
                return SetField32(data, rng, hot, unchecked((uint)(ReadField32(data, rng, hot, out var at) + Pick(rng, [-4, -1, 1, 4, 16, 0x1000]))), at);
            case 6:
                return Truncate(data, rng);
            case 7:
                return Extend(data, rng, limit);
            case 8:
                return Duplicate(data, rng, hot, limit);
            case 9:
                return Remove(data, rng, hot);
            case 10:
                return Insert(data, rng, hot, limit);
            default:
                return CopyOver(data, rng, hot);
        }
    }

    /// <summary>The size limit for mutants of a seed of <paramref name="length"/> bytes.</summary>
    public static int LimitFor(int length) => (length * 2) + MaxGrowth;

    public static T Pick<T>(Random rng, IReadOnlyList<T> values) => values[rng.Next(values.Count)];

    /// <summary>An offset in <paramref name="data"/>: half the time inside a hot range, else anywhere.</summary>
    public static int Offset(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot)
    {
        if (hot.Count > 0 && rng.Next(2) == 0)
        {
            var (start, length) = hot[rng.Next(hot.Count)];
            var at = start + rng.Next(Math.Max(1, length));
            if (at < data.Length)
            {
                return at;
            }
        }

        return rng.Next(data.Length);
    }

    private static int Aligned(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, int width)
    {
        var at = Offset(data, rng, hot);
        // ESP structures are little-endian and word aligned: most fields start on a multiple of 4.
        if (rng.Next(4) != 0)
        {
            at &= ~3;
        }

        return Math.Min(at, data.Length - width);
    }

    private static byte[] SetField16(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot)
    {
        if (data.Length < 2)
        {
            return data;
        }

        var at = Aligned(data, rng, hot, 2);
        var value = Pick(rng, _fields16);
        if (rng.Next(4) == 0)
        {
            BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(at), value);
        }

        return data;
    }

    private static long ReadField32(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, out int at)
    {
        if (data.Length < 4)
        {
            at = -1;
            return 0;
        }

        at = Aligned(data, rng, hot, 4);
        return BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(at));
    }

    private static byte[] SetField32(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, uint value, int at = -2)
    {
        if (data.Length < 4)
        {
            return data;
        }

        at = at == -2 ? Aligned(data, rng, hot, 4) : at;
        if (at < 0)
        {
            return data;
        }

        if (rng.Next(4) == 0)
        {
            BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(at), value);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(at), value);
        }

        return data;
    }

    private static byte[] Truncate(byte[] data, Random rng)
    {
        // Cut anywhere, or just short of the end, where the checksum, hash and signature sit.
        var length = rng.Next(3) == 0 ? Math.Max(0, data.Length - 1 - rng.Next(64)) : rng.Next(data.Length);
        return data[..length];
    }

    private static byte[] Extend(byte[] data, Random rng, int limit)
    {
        int count = rng.Next(6) switch
        {
            0 => 1,
            1 => Pick(rng, [3, 4, 15, 16, 32, 33]),
            // Up to the next 4 KiB boundary, where a signature sector would start or end.
            2 => 4096 - (data.Length % 4096),
            3 => 4096,
            _ => 1 + rng.Next(8192),
        };
        count = Math.Min(count, limit - data.Length);
        if (count <= 0)
        {
            return data;
        }

        var result = new byte[data.Length + count];
        data.CopyTo(result, 0);
        Fill(result.AsSpan(data.Length), data, rng);
        return result;
    }

    private static byte[] Duplicate(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, int limit)
    {
        var from = Offset(data, rng, hot);
        var count = Math.Min(ChunkLength(rng), Math.Min(data.Length - from, limit - data.Length));
        if (count <= 0)
        {
            return data;
        }

        var at = Offset(data, rng, hot);
        return [.. data.AsSpan(0, at), .. data.AsSpan(from, count), .. data.AsSpan(at)];
    }

    private static byte[] Remove(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot)
    {
        var at = Offset(data, rng, hot);
        var count = Math.Min(ChunkLength(rng), data.Length - at);
        return [.. data.AsSpan(0, at), .. data.AsSpan(at + count)];
    }

    private static byte[] Insert(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot, int limit)
    {
        var count = Math.Min(ChunkLength(rng), limit - data.Length);
        if (count <= 0)
        {
            return data;
        }

        var chunk = new byte[count];
        Fill(chunk, data, rng);
        var at = Offset(data, rng, hot);
        return [.. data.AsSpan(0, at), .. chunk, .. data.AsSpan(at)];
    }

    private static byte[] CopyOver(byte[] data, Random rng, IReadOnlyList<(int Start, int Length)> hot)
    {
        var from = Offset(data, rng, hot);
        var to = Offset(data, rng, hot);
        var count = Math.Min(ChunkLength(rng), data.Length - Math.Max(from, to));
        data.AsSpan(from, count).CopyTo(data.AsSpan(to));
        return data;
    }

    private static int ChunkLength(Random rng) => rng.Next(3) == 0 ? 1 + rng.Next(4096) : Pick(rng, [1, 2, 4, 8, 16, 24, 32, 256]);

    private static void Fill(Span<byte> target, byte[] source, Random rng)
    {
        switch (rng.Next(4))
        {
            case 0:
                target.Clear();
                break;
            case 1:
                target.Fill(0xFF);
                break;
            case 2 when source.Length > 0:
                // Bytes of the input itself: a header or segment again, shapes the parser knows.
                var from = rng.Next(source.Length);
                for (var i = 0; i < target.Length; i++)
                {
                    target[i] = source[(from + i) % source.Length];
                }

                break;
            default:
                rng.NextBytes(target);
                break;
        }
    }
}
