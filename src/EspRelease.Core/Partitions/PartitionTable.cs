using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Partitions;

/// <summary>The table's MD5 record: stored, and computed over the entries before it.</summary>
public sealed record Md5Check(byte[] Stored, byte[] Computed)
{
    public bool Valid => Stored.AsSpan().SequenceEqual(Computed);
}

/// <summary>
/// A binary partition table (<c>partition-table.bin</c>) as gen_esp32part.py writes it: 32-byte
/// entries, an optional MD5 record (<c>EB EB</c>), then 0xFF to 0xC00 bytes.
/// </summary>
public sealed class PartitionTable
{
    public const int MaxSize = 0xC00;
    private const int EntrySize = 32;

    public required string File { get; init; }

    /// <summary>The file's length in bytes.</summary>
    public long Size { get; private set; }

    /// <summary>SHA-256 of the whole file, taken from the bytes that were parsed (null when they could not be read).</summary>
    public byte[]? Sha256 { get; private set; }

    public List<PartitionEntry> Entries { get; } = [];

    /// <summary>The MD5 stored in the table and the one computed over the entries before it; null when the table has no MD5 record.</summary>
    public Md5Check? Md5 { get; private set; }

    public List<Diagnostic> Diagnostics { get; } = [];

    public bool Valid => Diagnostics.All(d => d.Severity != Severity.Error);

    /// <summary>Every OTA slot (<c>ota_0</c>…<c>ota_15</c>), in table order.</summary>
    public IEnumerable<PartitionEntry> OtaSlots => Entries.Where(e => e.IsOtaSlot);

    /// <summary>Every partition the bootloader can boot an app from (factory, test and OTA slots).</summary>
    public IEnumerable<PartitionEntry> AppPartitions => Entries.Where(e => e.IsApp && e.Subtype is 0x00 or 0x20 or (>= 0x10 and <= 0x1F));

    /// <summary>The smallest OTA slot: every release must fit it, since an update may land in any slot.</summary>
    public PartitionEntry? SmallestOtaSlot => OtaSlots.MinBy(e => e.Size);

    /// <summary>Reads and validates the file at <paramref name="path"/>; a path that is not a readable regular file is a diagnostic too.</summary>
    public static PartitionTable Read(string path)
    {
        try
        {
            using var stream = InputFile.OpenRead(path);
            if (stream.Length > 0x10000)
            {
                var table = new PartitionTable { File = path, Size = stream.Length };
                table.Error(DiagnosticCodes.PartitionTableSize, $"{path}: {stream.Length} bytes is too large for a partition table (expected 3072 bytes, 0xC00). Pass `partition_table/partition-table.bin` from the build directory.");
                return table;
            }

            var bytes = new byte[stream.Length];
            return Parse(bytes.AsSpan(0, stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false)), path);
        }
        catch (EspReleaseException e)
        {
            return Unreadable(path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable(path, InputFile.Unreadable(path, e));
        }
    }

    private static PartitionTable Unreadable(string path, EspReleaseException e)
    {
        var table = new PartitionTable { File = path };
        table.Diagnostics.AddRange(e.Diagnostics);
        return table;
    }

    public static PartitionTable Parse(ReadOnlySpan<byte> bytes, string name)
    {
        var table = new PartitionTable { File = name, Size = bytes.Length, Sha256 = SHA256.HashData(bytes) };
        if (bytes.Length == 0 || bytes.Length % EntrySize != 0)
        {
            table.Error(DiagnosticCodes.PartitionTableSize, $"{name}: {bytes.Length} bytes is not a partition table (expected 3072 bytes: 32-byte records). Pass `partition_table/partition-table.bin` from the build directory.");
            return table;
        }

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var ended = false;
        for (var offset = 0; offset + EntrySize <= bytes.Length && !ended; offset += EntrySize)
        {
            var record = bytes.Slice(offset, EntrySize);
            if (record.IndexOfAnyExcept((byte)0xFF) < 0)
            {
                ended = true;
            }
            else if (record[0] == 0xEB && record[1] == 0xEB)
            {
                var computed = md5.GetCurrentHash();
                var stored = record[16..].ToArray();
                table.Md5 = new Md5Check(stored, computed);
                if (!table.Md5.Valid)
                {
                    table.Error(DiagnosticCodes.PartitionMd5Mismatch, $"{name}: the MD5 record at offset 0x{offset:x} is {Convert.ToHexStringLower(stored)}, the entries hash to {Convert.ToHexStringLower(computed)}. The table is corrupt; regenerate it with `idf.py partition-table`.");
                }
            }
            else if (record[0] == 0xAA && record[1] == 0x50)
            {
                md5.AppendData(record);
                table.Entries.Add(ParseEntry(record));
            }
            else
            {
                table.Error(DiagnosticCodes.PartitionEntryInvalid, $"{name}: the record at offset 0x{offset:x} starts 0x{record[0]:x2} 0x{record[1]:x2}; expected an entry (AA 50), the MD5 record (EB EB) or the end marker (FF FF). This is not a partition table, or it is corrupt.");
                return table;
            }
        }

        // Legacy tables (and esptool's test table) end at EOF without a marker; gen_esp32part insists on one.
        if (!ended && bytes.Length >= MaxSize)
        {
            table.Error(DiagnosticCodes.PartitionNoEndMarker, $"{name}: no end-of-table marker (a record of 32 × 0xFF) within {bytes.Length} bytes. The table is corrupt; regenerate it with `idf.py partition-table`.");
        }

        table.CheckLayout();
        return table;
    }

    private static PartitionEntry ParseEntry(ReadOnlySpan<byte> r)
    {
        var label = r.Slice(12, 16);
        var end = label.IndexOf((byte)0);
        return new PartitionEntry(
            Encoding.UTF8.GetString(end < 0 ? label : label[..end]),
            r[2], r[3],
            BinaryPrimitives.ReadUInt32LittleEndian(r[4..]),
            BinaryPrimitives.ReadUInt32LittleEndian(r[8..]),
            BinaryPrimitives.ReadUInt32LittleEndian(r[28..]));
    }

    private void CheckLayout()
    {
        foreach (var e in Entries.Where(e => e.End > PartitionEntry.AddressSpace))
        {
            Error(DiagnosticCodes.PartitionPastAddressSpace, $"{File}: partition '{e.Name}' at 0x{e.Offset:x} with size 0x{e.Size:x} would end at 0x{e.End:x}, past the 4 GiB a 32-bit flash address reaches (the device would wrap it to 0x{e.End & 0xFFFFFFFF:x}). The table is corrupt, or a size in partitions.csv is wrong; fix it and run `idf.py partition-table`.");
        }

        // Sorted by offset, each entry must start at or after the furthest end so far (not just the previous
        // entry's end: a large partition can cover several after it). Ends are 64-bit, so nothing wraps.
        var sorted = Entries.Where(e => e.Size > 0).OrderBy(e => e.Offset).ToList();
        var covering = sorted.FirstOrDefault();
        foreach (var entry in sorted.Skip(1))
        {
            if (entry.Offset < covering!.End)
            {
                Error(DiagnosticCodes.PartitionOverlap, $"{File}: partition '{entry.Name}' at 0x{entry.Offset:x} overlaps '{covering.Name}' (0x{covering.Offset:x}–0x{covering.End:x}). Fix the offsets in partitions.csv.");
            }

            covering = entry.End > covering.End ? entry : covering;
        }

        foreach (var e in Entries.Where(e => (e.Flags & ~3u) != 0))
        {
            Diagnostics.Add(new(DiagnosticCodes.PartitionUnknownFlags, Severity.Warning, $"{File}: partition '{e.Name}' has unknown flag bits 0x{e.Flags:x8} (known: encrypted, readonly).", File));
        }
    }

    private void Error(string code, string message) => Diagnostics.Add(new(code, Severity.Error, message, File));
}
