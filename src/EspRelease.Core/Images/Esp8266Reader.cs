using System.Buffers.Binary;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Images;

/// <summary>
/// Tells ESP8266 images from ESP32-family ones, and reads them far enough to say what they are
/// and refuse them. First byte 0xEA is an ESP8266 V2 image. First byte 0xE9 is both formats: the
/// first 8 bytes agree, then an ESP32 image has its 16-byte extended header where an ESP8266 V1
/// image already has its first segment header. esptool (<c>image_info --chip auto</c>) decides on
/// two bytes of what would be the extended header (byte 23 must be 0 or 1, byte 12 a known chip
/// id), which misreads an ESP8266 image whose bytes happen to fit and calls an ESP32 image with one
/// flipped header byte an ESP8266 one. Here each reading is followed through the file instead:
/// the ESP8266 reading must load every segment into the ESP8266's address space and fit the file,
/// and whichever reading holds together (segments fit, checksum matches) wins.
/// </summary>
internal static class Esp8266Reader
{
    private const int MaxSegments = 16;

    /// <summary>
    /// When the file is an ESP8266 image, reads it into <paramref name="result"/> (kind, header,
    /// segments, checksum, the refusal) and consumes the rest of <paramref name="reader"/>'s pass;
    /// otherwise changes nothing and returns false.
    /// </summary>
    /// <param name="result">Filled in only when the file is an ESP8266 image.</param>
    /// <param name="reader">The pass, just after the header read; its stream must be seekable (look-ahead reads).</param>
    /// <param name="head">The first bytes of the file: up to 24, as the header read got them.</param>
    public static bool TryRead(ImageInspection result, HashingReader reader, ReadOnlySpan<byte> head)
    {
        var reading = head.IsEmpty ? null
            : head[0] == Esp8266Header.V2Magic ? ReadV2(reader, result.Size, head)
            : ReadV1(reader, result.Size, head);
        if (reading is null)
        {
            return false;
        }

        reading.Apply(result);
        ClassifyTrailer(result, reader);
        return true;
    }

    private static Reading? ReadV1(HashingReader reader, long size, ReadOnlySpan<byte> head)
    {
        if (head[0] != ImageHeader.ImageMagic || head.Length < ImageHeader.Size || head[1] is 0 or > MaxSegments)
        {
            return null;
        }

        var esp8266 = Walk.Follow(reader, size, Esp8266Header.Size, head[1], esp8266Addresses: true);
        if (esp8266.Implausible || Esp32ReadingWins(reader, size, head, esp8266))
        {
            return null;
        }

        esp8266.ReadChecksum(reader, size);
        return new Reading(HeaderFrom(1, head[1], head), esp8266.Segments.Select(s => s.ToSegment()).ToList(), esp8266);
    }

    // Asked only when the ESP8266 reading is plausible, so an ESP32 image is walked twice only in
    // the rare case that its first 16 header bytes also read as an ESP8266 segment header.
    private static bool Esp32ReadingWins(HashingReader reader, long size, ReadOnlySpan<byte> head, Walk esp8266)
    {
        // esptool's test, on the full 16-bit chip id as ESP-IDF compares it.
        if (head[23] > 1 || Chips.FromId(BinaryPrimitives.ReadUInt16LittleEndian(head[12..])) is null)
        {
            return false;
        }

        var esp32 = Walk.Follow(reader, size, ImageHeader.Size, head[1], esp8266Addresses: false);
        esp32.ReadChecksum(reader, size);
        esp8266.ReadChecksum(reader, size);
        // The reading that holds together wins; when neither does, esptool's (ESP32) one if its segments fit the file.
        return esp32.Holds || (!esp8266.Holds && esp32.Complete);
    }

    /// <summary>V2: an 8-byte header, the irom0 segment (not checksummed), then a V1 header and its segments.</summary>
    private static Reading ReadV2(HashingReader reader, long size, ReadOnlySpan<byte> head)
    {
        if (head.Length < Esp8266Header.Size)
        {
            return Reading.Stopped(null, [], DiagnosticCodes.TruncatedHeader,
                $"truncated header: expected {Esp8266Header.Size} bytes, the file has {head.Length}");
        }

        var first = head[..Esp8266Header.Size];

        var irom = Walk.Follow(reader, size, Esp8266Header.Size, 1, esp8266Addresses: false);
        var segments = irom.Segments.Select(s => s.ToSegment(flashMapped: true)).ToList();
        if (!irom.Complete)
        {
            return new Reading(HeaderFrom(2, segments.Count, first), segments, irom);
        }

        Span<byte> second = stackalloc byte[Esp8266Header.Size];
        var secondAt = irom.End;
        if (reader.PeekAt(secondAt, second) < second.Length)
        {
            return Reading.Stopped(HeaderFrom(2, segments.Count, first), segments, DiagnosticCodes.TruncatedHeader,
                $"truncated after the irom0 segment: expected the second {Esp8266Header.Size}-byte header at offset 0x{secondAt:x}, but the file ends at {size} bytes");
        }

        if (second[0] != ImageHeader.ImageMagic || second[1] > MaxSegments)
        {
            return Reading.Stopped(HeaderFrom(2, segments.Count, first), segments, DiagnosticCodes.BadMagic,
                $"the second header at offset 0x{secondAt:x} starts 0x{second[0]:x2} 0x{second[1]:x2}; expected 0xE9 and a segment count of at most {MaxSegments}");
        }

        var rest = Walk.Follow(reader, size, secondAt + Esp8266Header.Size, second[1], esp8266Addresses: false);
        rest.ReadChecksum(reader, size);
        segments.AddRange(rest.Segments.Select((s, i) => s.ToSegment(index: i + 1)));
        return new Reading(HeaderFrom(2, 1 + second[1], second), segments, rest);
    }

    private static Esp8266Header HeaderFrom(int version, int segmentCount, ReadOnlySpan<byte> header) =>
        new(version, segmentCount, header[2], header[3], BinaryPrimitives.ReadUInt32LittleEndian(header[4..]));

    // Nothing after the image is an error here: the image is refused anyway, and Arduino's eboot
    // is followed by the sketch's own image at 0x1000.
    private static void ClassifyTrailer(ImageInspection result, HashingReader reader)
    {
        reader.Consume(Math.Max(0, result.ImageLength - reader.Position));
        var erased = true;
        var remaining = reader.Consume(long.MaxValue, chunk => erased &= chunk.IndexOfAnyExcept((byte)0xFF) < 0);
        // A damaged image has no end to look after (ImageLength 0), as on the ESP32 path.
        result.Trailer = result.ImageLength == 0 || remaining == 0 ? TrailerKind.None
            : erased ? TrailerKind.ErasedFill
            : TrailerKind.Unknown;
    }

    /// <summary>What one reading of the file found.</summary>
    private sealed class Reading(Esp8266Header? header, List<ImageSegment> segments, Walk? walk)
    {
        private string? _code;
        private string? _problem;

        public static Reading Stopped(Esp8266Header? header, List<ImageSegment> segments, string code, string problem) =>
            new(header, segments, null) { _code = code, _problem = problem };

        public void Apply(ImageInspection result)
        {
            result.Kind = ImageKind.Esp8266;
            result.Esp8266 = header;
            result.Segments.AddRange(segments);
            result.Error(DiagnosticCodes.Esp8266Image, Refusal(result.File));

            var code = _code ?? walk?.Code;
            var problem = _problem ?? walk?.Problem;
            if (code is not null)
            {
                result.Error(code, $"{result.File}: the ESP8266 image is damaged: {problem}.");
                return;
            }

            var w = walk!;
            result.Checksum = new ChecksumCheck(w.Stored, w.Computed, w.ChecksumOffset);
            result.ImageLength = w.ChecksumOffset + 1;
            if (!result.Checksum.Valid)
            {
                result.Error(DiagnosticCodes.ChecksumMismatch, $"{result.File}: the ESP8266 image is damaged: its checksum byte at offset 0x{w.ChecksumOffset:x} is 0x{w.Stored:x2}, the segment data XORs to 0x{w.Computed:x2}.");
            }
        }

        private string Refusal(string file)
        {
            var count = segments.Count == 1 ? "1 segment" : $"{segments.Count} segments";
            var format = header is null ? "first byte 0xEA, the ESP8266 V2 image magic"
                : header.ImageVersion == 1 ? $"an 8-byte V1 header with no ESP32 extended header after it; entry 0x{header.EntryAddress:x8}, {count}"
                : $"first byte 0xEA, the V2 format: an irom0 segment, then a second 8-byte header; entry 0x{header.EntryAddress:x8}, {count}";
            return $"{file}: an ESP8266 image ({format}), as ESP8266_RTOS_SDK, the ESP8266 NONOS SDK " +
                "and Arduino-ESP8266 build them, not an ESP-IDF image for an ESP32-family chip. esp-release releases ESP32-family images only; " +
                "ESP8266 OTA (ESP8266_RTOS_SDK's or Arduino's updater) is not supported by this tool. Build the firmware with ESP-IDF for an " +
                "ESP32-family chip (`idf.py set-target esp32c3`, for example) and release that build.";
        }
    }

    /// <summary>One chain of segment headers followed through the file by look-ahead reads, then the checksum byte after it.</summary>
    private sealed class Walk
    {
        private bool _checksumRead;

        public List<WalkedSegment> Segments { get; } = [];

        /// <summary>A segment loads outside the ESP8266's address space or has a length that is not a multiple of 4.</summary>
        public bool Implausible { get; private set; }

        /// <summary>Why the walk stopped before the checksum byte; null when it reached it.</summary>
        public string? Code { get; private set; }

        public string? Problem { get; private set; }

        public long End { get; private set; }

        public long ChecksumOffset { get; private set; }

        public byte Stored { get; private set; }

        public byte Computed { get; private set; } = 0xEF;

        /// <summary>Every segment fits the file and so does the checksum byte (once <see cref="ReadChecksum"/> ran).</summary>
        public bool Complete => !Implausible && Code is null;

        public bool Holds => Complete && _checksumRead && Stored == Computed;

        public static Walk Follow(HashingReader reader, long size, long offset, int count, bool esp8266Addresses)
        {
            var walk = new Walk();
            Span<byte> header = stackalloc byte[ImageSegment.HeaderSize];
            for (var i = 0; i < count; i++)
            {
                if (reader.PeekAt(offset, header) < header.Length)
                {
                    walk.Stop(DiagnosticCodes.SegmentTruncated, $"truncated in segment {i}: expected an 8-byte segment header at offset 0x{offset:x}, but the file ends at {size} bytes");
                    return walk;
                }

                var address = BinaryPrimitives.ReadUInt32LittleEndian(header);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                if (esp8266Addresses && (!Esp8266Header.IsLoadAddress(address) || length % 4 != 0))
                {
                    walk.Implausible = true;
                    return walk;
                }

                var available = size - offset - ImageSegment.HeaderSize;
                if (length > available)
                {
                    walk.Stop(DiagnosticCodes.SegmentTruncated, $"truncated in segment {i}: its header at offset 0x{offset:x} declares {length} bytes (0x{length:x}), but only {available} bytes remain in the file");
                    return walk;
                }

                walk.Segments.Add(new WalkedSegment(i, address, length, offset));
                offset += ImageSegment.HeaderSize + length;
            }

            walk.End = offset;
            return walk;
        }

        /// <summary>XORs the segments' data and reads the checksum byte at the end of the 16-byte block after them.</summary>
        public void ReadChecksum(HashingReader reader, long size)
        {
            if (_checksumRead || !Complete)
            {
                return;
            }

            _checksumRead = true;
            ChecksumOffset = ((End + 16) & ~15L) - 1;
            Span<byte> stored = stackalloc byte[1];
            if (reader.PeekAt(ChecksumOffset, stored) < 1)
            {
                Stop(DiagnosticCodes.TruncatedFooter, $"truncated after the last segment: expected the checksum byte at offset 0x{ChecksumOffset:x}, but the file ends at {size} bytes");
                return;
            }

            Stored = stored[0];
            foreach (var s in Segments)
            {
                Computed ^= reader.XorAt(s.HeaderOffset + ImageSegment.HeaderSize, s.Length);
            }
        }

        private void Stop(string code, string problem)
        {
            Code = code;
            Problem = problem;
        }
    }

    private readonly record struct WalkedSegment(int Index, uint Address, uint Length, long HeaderOffset)
    {
        public ImageSegment ToSegment(bool flashMapped = false, int? index = null) =>
            new(index ?? Index, Address, Length, HeaderOffset, Esp8266Header.MemoryTypesOf(Address), flashMapped || Esp8266Header.IsFlashMapped(Address));
    }
}
