using EspRelease.Core.Diagnostics;
using EspRelease.Core.Partitions;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Partitions;

/// <summary>The binary tables in the fixtures decode to exactly what gen_esp32part.py printed for them.</summary>
public sealed class PartitionTableTests
{
    public static TheoryData<string> Tables() =>
        new(Directory.EnumerateFiles(Fixtures.Partitions, "*.bin").Order().Select(Path.GetFileNameWithoutExtension).OfType<string>());

    [Theory]
    [MemberData(nameof(Tables))]
    public void Agrees_with_gen_esp32part_decoded_csv(string name)
    {
        var expected = File.ReadAllLines(Path.Combine(Fixtures.Partitions, name + ".decoded.csv"))
            .Where(l => !l.StartsWith('#') && l.Length > 0).ToList();

        var table = PartitionTable.Read(Path.Combine(Fixtures.Partitions, name + ".bin"));

        Assert.True(table.Valid, string.Join("\n", table.Diagnostics));
        var actual = table.Entries.Select(e =>
            $"{e.Name},{e.TypeName},{e.SubtypeName},0x{e.Offset:x},{PartitionNames.FormatSize(e.Size)},{string.Join(":", new[] { e.Encrypted ? "encrypted" : null, e.ReadOnly ? "readonly" : null }.OfType<string>())}").ToList();
        Assert.Equal(expected, actual);
        Assert.NotNull(table.Md5);
        Assert.True(table.Md5.Valid);
    }

    [Theory]
    [InlineData("partitions_two_ota", "bf25822c0fa6d8641bd930251e06b4c4")]
    [InlineData("partitions_two_ota_large", "37f38b32a34f7412f158930062441178")]
    public void Md5_matches_the_spec_test_vectors(string name, string md5)
    {
        var table = PartitionTable.Read(Path.Combine(Fixtures.Partitions, name + ".bin"));
        Assert.Equal(md5, Convert.ToHexStringLower(table.Md5!.Stored));
    }

    [Theory]
    [InlineData("partitions_two_ota", 2, 0x100000u)]
    [InlineData("partitions_two_ota_large", 2, 0x1A9000u)]
    [InlineData("partitions_two_ota_2mb", 2, 600u * 1024)]
    [InlineData("partitions_singleapp", 0, 0u)]
    public void Reports_every_ota_slot(string name, int count, uint smallest)
    {
        var table = PartitionTable.Read(Path.Combine(Fixtures.Partitions, name + ".bin"));

        Assert.Equal(count, table.OtaSlots.Count());
        Assert.Equal(count == 0 ? null : smallest, table.SmallestOtaSlot?.Size);
        Assert.All(table.OtaSlots, s => Assert.StartsWith("ota_", s.Name, StringComparison.Ordinal));
    }

    [Fact]
    public void A_changed_entry_fails_the_md5()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Partitions, "partitions_two_ota.bin"));
        bytes[8] ^= 0x10; // nvs size

        var table = PartitionTable.Parse(bytes, "table.bin");

        Assert.Contains(table.Diagnostics, d => d.Code == DiagnosticCodes.PartitionMd5Mismatch);
    }

    [Fact]
    public void An_app_image_is_not_a_partition_table()
    {
        var bytes = File.ReadAllBytes(Fixtures.Image("esp32c6-appdesc.bin"));
        var table = PartitionTable.Parse(bytes.AsSpan(0, 320), "app.bin");
        Assert.Contains(table.Diagnostics, d => d.Code == DiagnosticCodes.PartitionEntryInvalid && d.Message.Contains("0xe9", StringComparison.Ordinal));
    }

    [Fact]
    public void Legacy_table_without_md5_or_end_marker_is_accepted()
    {
        var bytes = File.ReadAllBytes(Path.Combine(Fixtures.Partitions, "partitions_two_ota.bin"))[..96];
        var table = PartitionTable.Parse(bytes, "legacy.bin");

        Assert.True(table.Valid, string.Join("\n", table.Diagnostics));
        Assert.Equal(3, table.Entries.Count);
        Assert.Null(table.Md5);
    }

    [Fact]
    public void An_entry_that_would_end_past_4_GiB_is_an_error_not_a_wrapped_end()
    {
        // Offset + size is 0x1_0001_0000: a 32-bit end wraps to 0x10000 and the table looked valid.
        var table = PartitionTable.Parse(PartitionTableBuilder.Build(("nvs", 1, 2, 0x9000, 0x6000), ("factory", 0, 0, 0x10000, 0x100000), ("wrap", 1, 0x81, 0xFFFF0000, 0x20000)), "wrap.bin");

        var error = Assert.Single(table.Diagnostics);
        Assert.Equal(DiagnosticCodes.PartitionPastAddressSpace, error.Code);
        Assert.Equal("wrap.bin: partition 'wrap' at 0xffff0000 with size 0x20000 would end at 0x100010000, past the 4 GiB a 32-bit flash address reaches (the device would wrap it to 0x10000). The table is corrupt, or a size in partitions.csv is wrong; fix it and run `idf.py partition-table`.", error.Message);
        Assert.Equal(0x1_0001_0000UL, table.Entries[2].End);
    }

    [Fact]
    public void A_large_partition_overlaps_every_entry_inside_it_not_just_the_next()
    {
        var table = PartitionTable.Parse(PartitionTableBuilder.Build(("factory", 0, 0, 0x10000, 0x200000), ("nvs", 1, 2, 0x20000, 0x6000), ("spiffs", 1, 0x82, 0x30000, 0x10000)), "cover.bin");

        Assert.Equal(2, table.Diagnostics.Count(d => d.Code == DiagnosticCodes.PartitionOverlap));
        Assert.Contains(table.Diagnostics, d => d.Message.Contains("'spiffs' at 0x30000 overlaps 'factory' (0x10000–0x210000)", StringComparison.Ordinal));
    }
}
