using System.Buffers.Binary;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Images;

/// <summary>
/// Parses and validates an ESP32-family image in one streaming pass (one read buffer, one hash
/// pass), the way ESP-IDF's <c>esp_image_verify</c> and esptool's <c>image_info</c> read it.
/// Never throws for bad content: every problem becomes a diagnostic on the result.
/// </summary>
public static class AppImageReader
{
    private const int MaxSegments = 16;
    private const uint MaxSegmentLength = 0x1000000;
    private const int SniffLength = 4096;

    /// <summary>
    /// Inspects the file at <paramref name="path"/>; I/O failures become diagnostics too, and so does a
    /// path that is not a regular file (a directory, a device, a named pipe), which is never opened.
    /// </summary>
    public static ImageInspection Inspect(string path)
    {
        try
        {
            using var stream = InputFile.OpenRead(path);
            return Inspect(stream, path);
        }
        catch (EspReleaseException e)
        {
            return Unreadable(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read that failed after the file was opened (a disk error, a file system that went away).
            return Unreadable(path, InputFile.Unreadable(path, e));
        }
    }

    private static ImageInspection Unreadable(string path, EspReleaseException e)
    {
        var result = new ImageInspection { File = path };
        result.Diagnostics.AddRange(e.Diagnostics);
        return result;
    }

    /// <summary>Inspects a seekable stream; <paramref name="name"/> is how the file is named in messages.</summary>
    public static ImageInspection Inspect(Stream stream, string name)
    {
        var result = new ImageInspection { File = name, Size = stream.Length };

        // Look at the signature sector first (4 KiB, seek and back) so that the single pass below
        // also feeds SHA-384 when a P-384 block needs it.
        var sector = ReadCandidateSector(stream);
        var sha384End = sector is not null && SignatureBlock.UsesSha384(sector) ? stream.Length - SignatureBlock.SectorSize : -1;

        using var reader = new HashingReader(stream, sha384End);
        new Parser(result, reader, sector).Run();
        reader.Drain();
        result.FileSha256 = reader.CurrentSha256();
        return result;
    }

    private static byte[]? ReadCandidateSector(Stream stream)
    {
        var length = stream.Length;
        if (!stream.CanSeek || length < 2 * SignatureBlock.SectorSize || length % SignatureBlock.SectorSize != 0)
        {
            return null;
        }

        var sector = new byte[SignatureBlock.SectorSize];
        stream.Position = length - sector.Length;
        stream.ReadExactly(sector);
        stream.Position = 0;
        return sector;
    }

    /// <summary>The state of one pass over one image.</summary>
    private sealed class Parser(ImageInspection result, HashingReader reader, byte[]? sector)
    {
        private readonly string _name = result.File;
        private byte _xor = 0xEF;

        public void Run()
        {
            var head = new byte[ImageHeader.Size + ImageSegment.HeaderSize + AppDescriptor.Size];
            var got = reader.ReadExactly(head.AsSpan(0, ImageHeader.Size));
            if (Esp8266Reader.TryRead(result, reader, head.AsSpan(0, got)) || !ReadHeader(head.AsSpan(0, got)))
            {
                return;
            }

            // Classify even a truncated image from what was read: "a cut-short app" helps more than "not an image".
            var complete = ReadSegments(head) && ReadFooter();
            Classify(head);
            if (!complete)
            {
                return;
            }

            ReadTrailer();
            CheckApp();
        }

        private bool ReadHeader(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length == 0)
            {
                result.Error(DiagnosticCodes.EmptyFile, $"{_name}: the file is empty (0 bytes); expected an ESP image starting with 0xE9. Rebuild with `idf.py build`, or re-download: an empty body usually means the download failed.");
                return false;
            }

            if (bytes[0] != ImageHeader.ImageMagic)
            {
                DescribeBadMagic(bytes);
                return false;
            }

            if (bytes.Length < ImageHeader.Size)
            {
                result.Error(DiagnosticCodes.TruncatedHeader, $"{_name}: truncated header: expected {ImageHeader.Size} bytes, the file has {bytes.Length}. The file was cut short; copy it again from the build directory.");
                return false;
            }

            var header = ImageHeader.Parse(bytes);
            result.Header = header;
            result.Chip = Chips.FromId(header.ChipId);

            if (header.HashAppended > 1)
            {
                result.Error(DiagnosticCodes.HashFlagInvalid, $"{_name}: header byte 23 (hash_appended) is 0x{header.HashAppended:x2}; expected 0 or 1. The header is corrupt, or this is not an ESP32-family image.");
                return false;
            }

            if (result.Chip is null)
            {
                result.Error(DiagnosticCodes.UnknownChip, $"{_name}: unknown chip id {header.ChipId} (0x{header.ChipId:x4}) in the header; expected one of {string.Join(", ", Chips.All.Select(c => $"{c.Id} {c.Name}"))}. The header is corrupt or the image was built for a pre-release chip.");
            }

            return true;
        }

        private void DescribeBadMagic(ReadOnlySpan<byte> first)
        {
            // The header read gave us 24 bytes; read a little more so text can be recognised.
            var head = new byte[SniffLength];
            first.CopyTo(head);
            var n = first.Length + reader.ReadExactly(head.AsSpan(first.Length));
            result.Error(DiagnosticCodes.BadMagic, $"{_name}: not an ESP image: expected first byte 0xE9, found 0x{head[0]:x2}: {NonImageSniffer.Describe(head.AsSpan(0, n))}. Use the .bin that `idf.py build` wrote, and check the URL or upload that produced this file.");
        }

        private bool ReadSegments(byte[] head)
        {
            var header = result.Header!;
            if (header.SegmentCount > MaxSegments)
            {
                result.Error(DiagnosticCodes.TooManySegments, $"{_name}: the header declares {header.SegmentCount} segments; ESP-IDF accepts at most {MaxSegments}. The header is corrupt.");
            }

            Span<byte> segHeader = stackalloc byte[ImageSegment.HeaderSize];
            for (var i = 0; i < header.SegmentCount; i++)
            {
                var offset = reader.Position;
                if (reader.ReadExactly(segHeader) < segHeader.Length)
                {
                    result.Error(DiagnosticCodes.SegmentTruncated, $"{_name}: truncated in segment {i}: expected an 8-byte segment header at offset 0x{offset:x}, but the file ends at {result.Size} bytes ({header.SegmentCount} segments declared). The file was cut short; copy it again.");
                    return false;
                }

                var address = BinaryPrimitives.ReadUInt32LittleEndian(segHeader);
                var length = BinaryPrimitives.ReadUInt32LittleEndian(segHeader[4..]);
                var available = result.Size - reader.Position;
                if (length > available)
                {
                    result.Error(DiagnosticCodes.SegmentTruncated, $"{_name}: truncated in segment {i}: its header at offset 0x{offset:x} declares {length} bytes (0x{length:x}) of data, but only {available} bytes remain in the file. The file was cut short or the segment header is corrupt; copy it again from the build directory.");
                    return false;
                }

                if (length % 4 != 0 || length >= MaxSegmentLength)
                {
                    result.Error(DiagnosticCodes.SegmentLengthInvalid, $"{_name}: segment {i} at offset 0x{offset:x} has length {length} (0x{length:x}); expected a multiple of 4 below 16 MiB. The image is corrupt.");
                }

                var chip = result.Chip;
                result.Segments.Add(new ImageSegment(i, address, length, offset,
                    chip?.MemoryTypesOf(address) ?? [], chip?.IsFlashMapped(address) ?? false));

                reader.Consume(length, chunk =>
                {
                    _xor ^= HashingReader.Xor(chunk);
                    CopyHead(head, reader.Position - chunk.Length, chunk);
                });
            }

            return true;
        }

        // Keeps the first bytes of the file (header, first segment header, descriptor) for classification.
        private static void CopyHead(byte[] head, long chunkStart, ReadOnlySpan<byte> chunk)
        {
            if (chunkStart >= head.Length)
            {
                return;
            }

            var n = (int)Math.Min(chunk.Length, head.Length - chunkStart);
            chunk[..n].CopyTo(head.AsSpan((int)chunkStart));
        }

        private bool ReadFooter()
        {
            var end = reader.Position;
            var checksumOffset = ((end + 16) & ~15L) - 1;
            Span<byte> pad = stackalloc byte[16];
            var padLength = (int)(checksumOffset - end + 1);
            if (reader.ReadExactly(pad[..padLength]) < padLength)
            {
                result.Error(DiagnosticCodes.TruncatedFooter, $"{_name}: truncated after the last segment: expected the checksum byte at offset 0x{checksumOffset:x}, but the file ends at {result.Size} bytes. Copy the file again from the build directory.");
                return false;
            }

            var stored = pad[padLength - 1];
            result.Checksum = new ChecksumCheck(stored, _xor, checksumOffset);
            if (stored != _xor)
            {
                result.Error(DiagnosticCodes.ChecksumMismatch, $"{_name}: checksum wrong: the byte at offset 0x{checksumOffset:x} is 0x{stored:x2}, the segment data XORs to 0x{_xor:x2}. The image is corrupt (a changed byte, or a partial write); rebuild or copy it again.");
            }

            result.ImageLength = checksumOffset + 1;
            if (result.Header!.HashAppended == 1)
            {
                var computed = reader.CurrentSha256();
                var storedHash = new byte[32];
                if (reader.ReadExactly(storedHash) < storedHash.Length)
                {
                    result.Error(DiagnosticCodes.TruncatedFooter, $"{_name}: truncated: the header promises a 32-byte SHA-256 after the checksum at offset 0x{checksumOffset + 1:x}, but the file ends at {result.Size} bytes. Copy the file again from the build directory.");
                    return false;
                }

                result.Hash = new HashCheck(storedHash, computed);
                result.ImageLength += 32;
                if (!result.Hash.Valid)
                {
                    result.Error(DiagnosticCodes.HashMismatch, $"{_name}: SHA-256 wrong: the appended hash is {Convert.ToHexStringLower(storedHash)}, the image hashes to {Convert.ToHexStringLower(computed)}. The device would reject it (esp_image_verify); rebuild or copy it again.");
                }
            }

            return true;
        }

        private void Classify(byte[] head)
        {
            var segments = result.Segments;
            var first = segments.Count > 0 ? segments[0] : null;
            if (first is not null && first.Length >= 4 && AppDescriptor.HasMagic(head.AsSpan(AppDescriptor.FileOffset)))
            {
                result.Kind = ImageKind.App;
                if (first.Length < AppDescriptor.Size)
                {
                    result.Error(DiagnosticCodes.AppDescriptorSegmentTooShort, $"{_name}: segment 0 is {first.Length} bytes; an app's first segment must hold the 256-byte esp_app_desc_t. The image is corrupt.");
                    return;
                }

                result.App = AppDescriptor.Parse(head.AsSpan(AppDescriptor.FileOffset, AppDescriptor.Size));
                return;
            }

            if (first is not null && first.Length >= BootloaderDescriptor.Size && head[AppDescriptor.FileOffset] == BootloaderDescriptor.MagicByte)
            {
                result.Kind = ImageKind.Bootloader;
                result.Bootloader = BootloaderDescriptor.Parse(head.AsSpan(AppDescriptor.FileOffset, BootloaderDescriptor.Size));
                return;
            }

            result.Kind = segments.Any(s => s.FlashMapped) ? ImageKind.Unknown
                : LooksLikeBootloader() ? ImageKind.Bootloader
                : ImageKind.RamApp;
        }

        // Bootloaders before ESP-IDF 5.2 carry no descriptor. An ESP32 bootloader loads code into the
        // cache region (its iram_loader_seg), which an app never does; elsewhere the name tells.
        private bool LooksLikeBootloader() =>
            Path.GetFileName(_name).StartsWith("bootloader", StringComparison.OrdinalIgnoreCase) ||
            result.Segments.Any(s => s.MemoryTypes.Contains("CACHE_APP") || s.MemoryTypes.Contains("CACHE_PRO"));

        private void ReadTrailer()
        {
            var remaining = result.Size - reader.Position;
            if (remaining == 0)
            {
                result.Trailer = TrailerKind.None;
                return;
            }

            var sectorStart = result.Size - SignatureBlock.SectorSize;
            if (sector is not null && sectorStart >= reader.Position && SignatureBlock.IsPresent(sector))
            {
                var allErased = true;
                reader.Consume(sectorStart - reader.Position, chunk => allErased &= chunk.IndexOfAnyExcept((byte)0xFF) < 0);
                result.SignedDigest = reader.CurrentSha256();
                var sha384 = reader.CurrentSha384();
                result.Trailer = TrailerKind.SecureBootV2;
                result.Signatures = SignatureBlock.ReadSector(sector, result.SignedDigest, sha384);
                if (!allErased)
                {
                    result.Error(DiagnosticCodes.SignatureFillNotErased, $"{_name}: the bytes between the image end (0x{result.ImageLength:x}) and the signature sector (0x{sectorStart:x}) must all be 0xFF; some are not. The signed file was altered.");
                }

                CheckSignatures();
                return;
            }

            Span<byte> start = stackalloc byte[4];
            var startLength = reader.ReadExactly(start);
            var erased = start[..startLength].IndexOfAnyExcept((byte)0xFF) < 0;
            reader.Consume(remaining - startLength, chunk => erased &= chunk.IndexOfAnyExcept((byte)0xFF) < 0);
            if (erased)
            {
                result.Trailer = TrailerKind.ErasedFill;
            }
            else if (remaining >= 68 && startLength == 4 && BinaryPrimitives.ReadUInt32LittleEndian(start) == 0 && result.Chip == Chips.Esp32)
            {
                result.Trailer = TrailerKind.SecureBootV1;
            }
            else
            {
                result.Trailer = TrailerKind.Unknown;
                result.Error(DiagnosticCodes.UnexpectedTrailingData, $"{_name}: {remaining} unexpected bytes follow the image (which ends at 0x{result.ImageLength:x}); expected nothing, 0xFF filler, or a Secure Boot signature sector. Use the .bin from the build directory, or re-sign it with `espsecure sign-data`.");
            }
        }

        private void CheckSignatures()
        {
            foreach (var block in result.Signatures)
            {
                if (!block.DigestMatches)
                {
                    result.Error(DiagnosticCodes.SignatureBlockInvalid, $"{_name}: signature block {block.Index} ({block.Scheme}) signs digest {Convert.ToHexStringLower(block.StoredDigest)}, but the data before the sector hashes to {Convert.ToHexStringLower(result.SignedDigest!)}. The image changed after signing; sign it again.");
                }
                else if (block.SignatureValid == false)
                {
                    result.Error(DiagnosticCodes.SignatureBlockInvalid, $"{_name}: signature block {block.Index} ({block.Scheme}): the signature does not verify with the public key inside the block. The block is corrupt; sign the image again.");
                }
            }

            var chip = result.Chip;
            if (chip is null)
            {
                return;
            }

            foreach (var block in result.Signatures)
            {
                var rsa = block.Scheme.StartsWith("RSA", StringComparison.Ordinal);
                if (rsa ? !chip.SupportsSecureBootRsa : !chip.SupportsSecureBootEcdsa)
                {
                    result.Warn(DiagnosticCodes.SignatureSchemeUnsupportedByChip, $"{_name}: signature block {block.Index} uses {block.Scheme}, which {chip.Name} Secure Boot V2 does not support ({(chip.SupportsSecureBootRsa ? "RSA-3072" : "ECDSA")} only); a device with Secure Boot on would reject this image.");
                }
            }
        }

        private void CheckApp()
        {
            if (result.Kind != ImageKind.App)
            {
                return;
            }

            if (result.Header!.HashAppended == 0)
            {
                result.Error(DiagnosticCodes.AppWithoutHash, $"{_name}: the app has no appended SHA-256 (header byte 23 is 0), so the device can only check a 1-byte XOR. ESP-IDF always appends it; rebuild with `idf.py build` rather than a hand-run elf2image.");
            }

            var page = result.App?.MmuPageSize ?? 0x10000;
            foreach (var s in result.Segments.Where(s => s.FlashMapped && s.DataOffset % page != s.LoadAddress % page))
            {
                result.Error(DiagnosticCodes.MmuMisaligned, $"{_name}: flash-mapped segment {s.Index} loads at 0x{s.LoadAddress:x8} but its data is at file offset 0x{s.DataOffset:x}; the two must be equal modulo the {page / 1024} KiB MMU page or the device cannot map it. Rebuild with `idf.py build`.");
            }
        }
    }
}
