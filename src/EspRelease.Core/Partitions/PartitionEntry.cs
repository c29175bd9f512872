namespace EspRelease.Core.Partitions;

/// <summary>One 32-byte <c>esp_partition_info_t</c> record of a partition table.</summary>
public sealed record PartitionEntry(string Name, byte Type, byte Subtype, uint Offset, uint Size, uint Flags)
{
    public const byte AppType = 0x00;
    public const byte DataType = 0x01;

    public bool IsApp => Type == AppType;

    /// <summary>An OTA slot: <c>app</c> with subtype <c>ota_0</c>…<c>ota_15</c> (0x10–0x1F).</summary>
    public bool IsOtaSlot => IsApp && Subtype is >= 0x10 and <= 0x1F;

    public bool Encrypted => (Flags & 1) != 0;

    public bool ReadOnly => (Flags & 2) != 0;

    /// <summary>The first byte after the partition, in 64 bits: offset + size of an untrusted table may pass 4 GiB, which a <c>uint</c> would wrap.</summary>
    public ulong End => (ulong)Offset + Size;

    /// <summary>The most a 32-bit flash address reaches (4 GiB): an entry must end at or before it.</summary>
    public const ulong AddressSpace = 1UL << 32;

    public string TypeName => PartitionNames.TypeName(Type);

    public string SubtypeName => PartitionNames.SubtypeName(Type, Subtype);
}
