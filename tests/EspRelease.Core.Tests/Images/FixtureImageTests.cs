using System.Globalization;
using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

/// <summary>Every real image in the fixtures agrees, field by field, with esptool's own image_info output beside it.</summary>
public sealed class FixtureImageTests
{
    public static TheoryData<string> ImagesWithImageInfo()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Fixtures.Images, "*.bin").Order())
        {
            Assert.True(File.Exists(file + ".image_info.txt"), $"{file} has no image_info.txt beside it");
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ImagesWithImageInfo))]
    public void Agrees_with_esptool_image_info(string name)
    {
        var path = Fixtures.Image(name);
        var expected = ImageInfoText.Load(path + ".image_info.txt");

        var image = AppImageReader.Inspect(path);

        Assert.True(image.Valid, string.Join("\n", image.Diagnostics));
        var h = image.Header!;
        Assert.Equal(expected["File size"].Split(' ')[0], image.Size.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Detected image type"], image.Chip!.Name);
        Assert.Equal(expected["Entry point"], $"0x{h.EntryAddress:x8}");
        Assert.Equal(expected["Segments"], h.SegmentCount.ToString(CultureInfo.InvariantCulture));
        Assert.Equal(expected["Flash size"], h.FlashSizeName);
        Assert.Equal(expected["Flash freq"], image.Chip.DescribeFlashFrequency(h.SpiSpeed));
        Assert.Equal(expected["Flash mode"], h.FlashModeName);
        Assert.Equal(expected["WP pin"], h.WpPin == 0xEE ? "0xee (disabled)" : $"0x{h.WpPin:x}");
        Assert.Equal(expected["Chip ID"], $"{h.ChipId} ({image.Chip.Name})");
        Assert.Equal(expected["Minimal chip revision"], $"{ImageHeader.FormatRevision(h.MinChipRevisionFull)}, (legacy min_rev = {h.LegacyMinChipRevision})");
        Assert.Equal(expected["Maximal chip revision"], ImageHeader.FormatRevision(h.MaxChipRevisionFull));

        Assert.Equal(expected.Segments.Count, image.Segments.Count);
        foreach (var (e, actual) in expected.Segments.Zip(image.Segments))
        {
            Assert.Equal(e.Index, actual.Index);
            Assert.Equal(e.Length, actual.Length);
            Assert.Equal(e.LoadAddress, actual.LoadAddress);
            Assert.Equal(e.FileOffset, (uint)actual.HeaderOffset);
            Assert.Equal(e.MemoryTypes, actual.MemoryTypes);
        }

        Assert.Equal(expected["Checksum"], $"0x{image.Checksum!.Stored:x2} (valid)");
        Assert.True(image.Checksum.Valid);
        if (expected.Has("Validation hash"))
        {
            Assert.Equal(expected["Validation hash"], $"{Convert.ToHexStringLower(image.Hash!.Stored)} (valid)");
            Assert.True(image.Hash.Valid);
        }
        else
        {
            Assert.Null(image.Hash);
        }

        if (expected.Has("Project name"))
        {
            var app = image.App!;
            Assert.Equal(ImageKind.App, image.Kind);
            Assert.Equal(expected["Project name"], app.ProjectName);
            Assert.Equal(expected["App version"], app.Version);
            Assert.Equal(expected["Compile time"], $"{app.CompileDate} {app.CompileTime}");
            Assert.Equal(expected["ELF file SHA256"], Convert.ToHexStringLower(app.ElfSha256));
            Assert.Equal(expected["ESP-IDF"], app.IdfVersion);
            Assert.Equal(expected["Secure version"], app.SecureVersion.ToString(CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public void Reads_the_C6_descriptor_that_esptool_4_8_1_skips()
    {
        // esptool v4.8.1 looks for the descriptor in a DROM segment only; it sits in IROM here.
        var image = AppImageReader.Inspect(Fixtures.Image("esp32c6-appdesc.bin"));

        Assert.Equal(ImageKind.App, image.Kind);
        var app = image.App!;
        Assert.Equal(new string('-', 31), app.ProjectName);
        Assert.Equal(new string('_', 31), app.Version);
        Assert.Equal(0xFFFFFFFFu, app.SecureVersion);
        Assert.StartsWith("x", app.CompileTime, StringComparison.Ordinal);
        Assert.StartsWith("y", app.CompileDate, StringComparison.Ordinal);
        Assert.StartsWith("z", app.IdfVersion, StringComparison.Ordinal);
        Assert.All(app.ElfSha256, b => Assert.Equal(0, b));
        Assert.Equal("6a65b572f9dc2e2b48405b77c2296073dfe81387cdaf691a334f2dce197a1f75", Convert.ToHexStringLower(image.Hash!.Stored));
    }

    [Fact]
    public void Classifies_the_ESP32_bootloader_as_a_bootloader_without_descriptor()
    {
        var image = AppImageReader.Inspect(Fixtures.Image("bootloader_esp32.bin"));

        Assert.Equal(ImageKind.Bootloader, image.Kind);
        Assert.Null(image.App);
        Assert.Null(image.Bootloader);
        Assert.Null(image.Hash);
        Assert.Equal(0u, image.Segments[0].Length);
        Assert.Equal(TrailerKind.None, image.Trailer);
    }

    [Fact]
    public void Computes_the_whole_file_sha256()
    {
        var image = AppImageReader.Inspect(Fixtures.Image("esp_idf_blink_esp32s2.bin"));

        Assert.Equal("a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12", Convert.ToHexStringLower(image.FileSha256!));
        Assert.Equal(182368, image.ImageLength);
    }
}
