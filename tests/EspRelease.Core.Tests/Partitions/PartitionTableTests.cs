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
}
