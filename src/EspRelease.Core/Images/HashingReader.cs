using System.Buffers;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace EspRelease.Core.Images;

/// <summary>
/// Reads a stream front to back exactly once, feeding every byte to SHA-256 (and, when asked, to
/// SHA-384 up to a cut-off), so the file hash, the appended validation hash and the Secure Boot
/// digest all come out of one pass with one buffer. Snapshots of the running hash are taken with
/// <see cref="CurrentSha256"/> at the positions the formats define.
/// </summary>
internal sealed class HashingReader : IDisposable
{
    private const int BufferSize = 256 * 1024;
    private readonly Stream _stream;
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _sha384;
    private readonly long _sha384End;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);

    public HashingReader(Stream stream, long sha384End = -1)
    {
        _stream = stream;
        if (sha384End >= 0)
        {
            _sha384 = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
            _sha384End = sha384End;
        }
    }

    public long Position { get; private set; }

    public byte[] CurrentSha256() => _sha256.GetCurrentHash();

    public byte[]? CurrentSha384() => _sha384?.GetCurrentHash();

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; fewer only at end of stream.</summary>
    public int ReadExactly(Span<byte> destination)
    {
        var total = Fill(destination);
        Feed(destination[..total]);
        return total;
    }

    /// <summary>
    /// Streams <paramref name="count"/> bytes (fewer at end of stream) through <paramref name="visit"/>
    /// in buffer-sized chunks and returns how many were read.
    /// </summary>
    public long Consume(long count, SpanVisitor? visit = null)
    {
        long done = 0;
        while (done < count)
        {
            var want = (int)Math.Min(BufferSize, count - done);
            var got = ReadExactly(_buffer.AsSpan(0, want));
            visit?.Invoke(_buffer.AsSpan(0, got));
            done += got;
            if (got < want)
            {
                break;
            }
        }

        return done;
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>.Length bytes at <paramref name="offset"/> (fewer
    /// at the end of the stream) without moving the pass or feeding the hashes: a look ahead that
    /// decides how bytes are to be read before the pass reaches them.
    /// </summary>
    public int PeekAt(long offset, Span<byte> destination)
    {
        var resume = _stream.Position;
        try
        {
            _stream.Position = offset;
            return Fill(destination);
        }
        finally
        {
            _stream.Position = resume;
        }
    }

    /// <summary>XOR of the <paramref name="count"/> bytes at <paramref name="offset"/>, read as <see cref="PeekAt"/> reads.</summary>
    public byte XorAt(long offset, long count)
    {
        byte xor = 0;
        for (long done = 0; done < count;)
        {
            var got = PeekAt(offset + done, _buffer.AsSpan(0, (int)Math.Min(BufferSize, count - done)));
            xor ^= Xor(_buffer.AsSpan(0, got));
            done += got;
            if (got == 0)
            {
                break;
            }
        }

        return xor;
    }

    /// <summary>Reads to the end so the file hash is complete even when parsing stopped early.</summary>
    public void Drain() => Consume(long.MaxValue);

    private int Fill(Span<byte> destination)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = _stream.Read(destination[total..]);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    private void Feed(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        if (_sha384 is not null && Position < _sha384End)
        {
            _sha384.AppendData(data[..(int)Math.Min(data.Length, _sha384End - Position)]);
        }

        Position += data.Length;
    }

    public void Dispose()
    {
        _sha256.Dispose();
        _sha384?.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }

    public delegate void SpanVisitor(ReadOnlySpan<byte> chunk);

    /// <summary>XOR of every byte in <paramref name="data"/>, eight at a time (XOR does not care about order).</summary>
    public static byte Xor(ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        ulong acc = 0;
        foreach (var w in words)
        {
            acc ^= w;
        }

        byte result = 0;
        for (var i = 0; i < 8; i++)
        {
            result ^= (byte)(acc >> (i * 8));
        }

        foreach (var b in data[(words.Length * 8)..])
        {
            result ^= b;
        }

        return result;
    }
}
