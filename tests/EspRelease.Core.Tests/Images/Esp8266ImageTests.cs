using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

/// <summary>
/// ESP8266 images are recognised by reading them as ESP8266 images, reported with esptool's
/// fields and refused with one error. The images are built in code in the shapes of esptool's real
/// test images; every expected value is what esptool v4.8.1 <c>image_info --version 2</c> prints
/// for the built bytes.
/// </summary>
public sealed class Esp8266ImageTests
{
    private static ImageInspection Inspect(byte[] bytes, string name = "firmware.bin") => AppImageReader.Inspect(new MemoryStream(bytes), name);

    private static void AssertRefusedOnce(ImageInspection image, params string[] damage)
    {
        Assert.Equal(ImageKind.Esp8266, image.Kind);
        Assert.False(image.Valid);
        Assert.Equal([DiagnosticCodes.Esp8266Image, .. damage], image.Errors.Select(e => e.Code));
        var refusal = image.Errors.First().Message;
        Assert.StartsWith(image.File + ": an ESP8266 image", refusal, StringComparison.Ordinal);
        Assert.Contains("ESP8266_RTOS_SDK", refusal, StringComparison.Ordinal);
        Assert.Contains("Arduino-ESP8266", refusal, StringComparison.Ordinal);
        Assert.Contains("esp-release releases ESP32-family images only", refusal, StringComparison.Ordinal);
        Assert.Contains("Build the firmware with ESP-IDF for an ESP32-family chip", refusal, StringComparison.Ordinal);
    }

    // The header lines esptool prints: Image version, Entry point, Segments, Flash size, Flash freq, Flash mode.
    private static void AssertHeader(ImageInspection image, int version, uint entry, int segments, string size, string frequency, string mode)
    {
        Assert.Null(image.Header);
        Assert.Null(image.Chip);
        var h = image.Esp8266!;
        Assert.Equal(version, h.ImageVersion);
        Assert.Equal(entry, h.EntryAddress);
        Assert.Equal(segments, h.SegmentCount);
        Assert.Equal(size, h.FlashSizeName);
        Assert.Equal(frequency, h.FlashFrequencyName);
        Assert.Equal(mode, h.FlashModeName);
    }

    private static void AssertSegment(ImageSegment s, int index, uint length, uint address, long fileOffset, params string[] memoryTypes)
    {
        Assert.Equal(index, s.Index);
        Assert.Equal(length, s.Length);
        Assert.Equal(address, s.LoadAddress);
        Assert.Equal(fileOffset, s.HeaderOffset);
        Assert.Equal(memoryTypes, s.MemoryTypes);
    }

    [Fact]
    public void Arduino_eboot_is_an_ESP8266_image_not_an_ESP32_one_with_hash_appended_0x40()
    {
        // Byte 23 is 0x40 and the entry point lies outside 0x40100000-0x40108000: before, this read as a corrupt ESP32 header.
        var image = Inspect(Esp8266ImageBuilder.ArduinoEboot().Build());

        AssertRefusedOnce(image);
        Assert.DoesNotContain(image.Diagnostics, d => d.Code == DiagnosticCodes.HashFlagInvalid);
        AssertHeader(image, 1, 0x4010f29c, 1, "4MB", "40m", "DIO");
        AssertSegment(Assert.Single(image.Segments), 0, 0x568, 0x4010f000, 0x8);
        Assert.Equal(new ChecksumCheck(0x5c, 0x5c, 0x57f), image.Checksum);
        Assert.Null(image.Hash);
        Assert.Equal(1408, image.ImageLength);
        Assert.Equal(TrailerKind.None, image.Trailer);
        Assert.Contains("entry 0x4010f29c, 1 segment)", image.Errors.First().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_NONOS_SDK_bootloader_shape_reads_as_esptool_reads_it()
    {
        var image = Inspect(Esp8266ImageBuilder.NonOsBootloader().Build(), "bootloader.bin");

        AssertRefusedOnce(image);
        AssertHeader(image, 1, 0x40100294, 3, "512KB", "40m", "QIO");
        Assert.Equal(3, image.Segments.Count);
        AssertSegment(image.Segments[0], 0, 0x574, 0x40100000, 0x8, "IRAM");
        AssertSegment(image.Segments[1], 1, 0x308, 0x3ffe8000, 0x584, "DRAM");
        AssertSegment(image.Segments[2], 2, 0x21c, 0x3ffe8308, 0x894, "DRAM");
        Assert.Equal(0x11, image.Checksum!.Stored);
        Assert.True(image.Checksum.Valid);
        Assert.Equal(2752, image.Size);
    }

    [Fact]
    public void The_entry_point_can_be_anywhere()
    {
        var builder = Esp8266ImageBuilder.ArduinoEboot();
        builder.Entry = 0x12345678;

        var image = Inspect(builder.Build());

        AssertRefusedOnce(image);
        Assert.Equal(0x12345678u, image.Esp8266!.EntryAddress);
    }

    [Fact]
    public void Eboot_followed_by_the_sketch_image_at_0x1000_is_one_refusal()
    {
        // Arduino's flash layout (esp8266_deepsleep.bin): eboot, 0xAA filler, then the sketch's own image.
        var eboot = Esp8266ImageBuilder.ArduinoEboot().Build();
        var sketch = new Esp8266ImageBuilder { Entry = 0x401000e0 }.Segment(0x40201010, 0x400).Segment(0x40100000, 0x100).Build();
        var bytes = eboot.Concat(Enumerable.Repeat((byte)0xAA, 0x1000 - eboot.Length)).Concat(sketch).ToArray();

        var image = Inspect(bytes);

        AssertRefusedOnce(image);
        Assert.Single(image.Segments);
        Assert.Equal(TrailerKind.Unknown, image.Trailer);
        Assert.Equal(bytes.Length, image.Size);
    }

    [Fact]
    public void An_image_whose_bytes_pass_esptools_test_is_still_read_as_ESP8266()
    {
        // Bytes 12-13 (segment 0's length, 0x10) read as chip id 16 (ESP32-H2) and byte 23 is 0:
        // esptool --chip auto says ESP32-H2, then runs out of file. The ESP32 reading does not fit
        // the file, the ESP8266 reading holds (esptool --chip esp8266: checksum 0x4c valid).
        byte[] first = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x00, 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0];
        var bytes = new Esp8266ImageBuilder { FlashMode = 0, FlashSizeFreq = 0x20, Entry = 0x40100004 }
            .Segment(0x3ffe8000, first).Segment(0x40100000, 0x40).Build();

        var image = Inspect(bytes);

        AssertRefusedOnce(image);
        Assert.Equal("1MB", image.Esp8266!.FlashSizeName);
        AssertSegment(image.Segments[0], 0, 0x10, 0x3ffe8000, 0x8, "DRAM");
        AssertSegment(image.Segments[1], 1, 0x40, 0x40100000, 0x20, "IRAM");
        Assert.Equal(0x4c, image.Checksum!.Stored);
        Assert.True(image.Checksum.Valid);
    }

    [Fact]
    public void When_both_readings_hold_the_ESP32_one_wins_as_in_esptool()
    {
        // 16 zero bytes in segment 0 are, to an ESP32 reading, a zero-length segment at address 0:
        // both readings fit and XOR to 0x4c. esptool says ESP32-H2 (valid), and so does the reader.
        var bytes = new Esp8266ImageBuilder { FlashMode = 0, FlashSizeFreq = 0x20, Entry = 0x40100004 }
            .Segment(0x3ffe8000, new byte[16]).Segment(0x40100000, 0x40).Build();

        var image = Inspect(bytes);

        Assert.True(image.Valid, string.Join("\n", image.Diagnostics));
        Assert.Same(Chips.Esp32H2, image.Chip);
        Assert.Equal("24m", image.Chip!.DescribeFlashFrequency(image.Header!.SpiSpeed));
        Assert.Null(image.Esp8266);
    }

    [Fact]
    public void V2_image_reads_as_esptool_reads_it()
    {
        var bytes = new Esp8266ImageBuilder { Version = 2, FlashMode = 0, FlashSizeFreq = 0x20, Entry = 0x40100004, Irom = new byte[0x1a0] }
            .Segment(0x3ffe8000, 0x86c).Segment(0x40100000, 0x7a58).Build();

        var image = Inspect(bytes);

        AssertRefusedOnce(image);
        Assert.Contains("first byte 0xEA", image.Errors.First().Message, StringComparison.Ordinal);
        AssertHeader(image, 2, 0x40100004, 3, "1MB", "40m", "QIO");
        Assert.Equal(3, image.Segments.Count);
        AssertSegment(image.Segments[0], 0, 0x1a0, 0, 0x8);
        Assert.True(image.Segments[0].FlashMapped);
        AssertSegment(image.Segments[1], 1, 0x86c, 0x3ffe8000, 0x1b8, "DRAM");
        AssertSegment(image.Segments[2], 2, 0x7a58, 0x40100000, 0xa2c, "IRAM");
        // The irom0 segment is not in the checksum.
        Assert.Equal(0x61, image.Checksum!.Stored);
        Assert.True(image.Checksum.Valid);
        Assert.Equal(33940, image.Size);
        Assert.Equal(TrailerKind.Unknown, image.Trailer); // the SDK bootloader's CRC-32
    }

    [Fact]
    public void V2_image_with_a_broken_second_header_says_where()
    {
        var bytes = new Esp8266ImageBuilder { Version = 2, Irom = new byte[0x20] }.Segment(0x3ffe8000, 0x10).Build();
        bytes[0x30] = 0x00; // the second header's magic, after 8 + 8 + 0x20 bytes

        var image = Inspect(bytes);

        AssertRefusedOnce(image, DiagnosticCodes.BadMagic);
        Assert.Contains("second header at offset 0x30", image.Errors.Last().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_changed_byte_is_the_refusal_and_the_checksum_nothing_more()
    {
        var bytes = Esp8266ImageBuilder.ArduinoEboot().Build();
        bytes[0x100] ^= 0x01;

        var image = Inspect(bytes);

        AssertRefusedOnce(image, DiagnosticCodes.ChecksumMismatch);
        Assert.Equal(new ChecksumCheck(0x5c, 0x5d, 0x57f), image.Checksum);
        Assert.Contains("0x5d", image.Errors.Last().Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cut_short_ESP8266_image_is_still_named()
    {
        var bytes = Esp8266ImageBuilder.NonOsBootloader().Build()[..0x800];

        var image = Inspect(bytes);

        AssertRefusedOnce(image, DiagnosticCodes.SegmentTruncated);
        Assert.Contains("truncated in segment 1: its header at offset 0x584 declares 776 bytes", image.Errors.Last().Message, StringComparison.Ordinal);
        Assert.Single(image.Segments);
        Assert.Null(image.Checksum);
    }

    public static TheoryData<string, int> Esp32FixturesAndByte23Values()
    {
        var data = new TheoryData<string, int>();
        foreach (var file in Directory.EnumerateFiles(Fixtures.Images, "*.bin").Order())
        {
            foreach (var value in new[] { 0x02, 0x40, 0xFF })
            {
                data.Add(Path.GetFileName(file), value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Esp32FixturesAndByte23Values))]
    public void An_ESP32_image_with_a_flipped_byte_23_stays_a_corrupt_ESP32_image(string name, int value)
    {
        // esptool --chip auto calls these ESP8266; their ESP8266 reading does not hold together.
        var bytes = File.ReadAllBytes(Fixtures.Image(name));
        bytes[23] = (byte)value;

        var image = Inspect(bytes, name);

        Assert.NotEqual(ImageKind.Esp8266, image.Kind);
        Assert.NotNull(image.Chip);
        var error = Assert.Single(image.Errors);
        Assert.Equal(DiagnosticCodes.HashFlagInvalid, error.Code);
        Assert.Contains($"header byte 23 (hash_appended) is 0x{value:x2}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0x00, "512KB", "40m")]
    [InlineData(0x10, "256KB", "40m")]
    [InlineData(0x21, "1MB", "26m")]
    [InlineData(0x32, "2MB", "20m")]
    [InlineData(0x4F, "4MB", "80m")]
    [InlineData(0x50, "2MB-c1", "40m")]
    [InlineData(0x60, "4MB-c1", "40m")]
    [InlineData(0x80, "8MB", "40m")]
    [InlineData(0x90, "16MB", "40m")]
    [InlineData(0x73, "unknown (0x70)", "unknown (0x3)")]
    public void Flash_size_and_frequency_use_esptools_ESP8266_tables(byte sizeFreq, string size, string frequency)
    {
        var header = new Esp8266Header(1, 1, 7, sizeFreq, 0);

        Assert.Equal(size, header.FlashSizeName);
        Assert.Equal(frequency, header.FlashFrequencyName);
        Assert.Equal("unknown (0x7)", header.FlashModeName);
    }
}
