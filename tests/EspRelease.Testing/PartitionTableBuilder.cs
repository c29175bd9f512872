using System.Buffers.Binary;
using System.Text;

namespace EspRelease.Testing;

/// <summary>Binary partition tables of any layout, as gen_esp32part writes them: the entries, the MD5 record, 0xFF to 0xC00.</summary>
public static class PartitionTableBuilder
{
    public static byte[] Build(params (string Name, byte Type, byte Subtype, uint Offset, uint Size)[] entries)
    {
        var table = Enumerable.Repeat((byte)0xFF, 0xC00).ToArray();
        var position = 0;
        foreach (var e in entries)
        {
            var record = table.AsSpan(position, 32);
            record.Clear();
            record[0] = 0xAA;
            record[1] = 0x50;
            record[2] = e.Type;
            record[3] = e.Subtype;
            BinaryPrimitives.WriteUInt32LittleEndian(record[4..], e.Offset);
            BinaryPrimitives.WriteUInt32LittleEndian(record[8..], e.Size);
            Encoding.ASCII.GetBytes(e.Name).CopyTo(record[12..]);
            position += 32;
        }

#pragma warning disable CA5351 // MD5 is what the partition-table format uses; it is an integrity check, not security.
        var md5 = System.Security.Cryptography.MD5.HashData(table.AsSpan(0, position));
#pragma warning restore CA5351
        table[position] = 0xEB;
        table[position + 1] = 0xEB;
        md5.CopyTo(table, position + 16);
        return table;
    }
}
