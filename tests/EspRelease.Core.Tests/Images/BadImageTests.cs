using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

/// <summary>Bad input gets one clear, typed error that names the file, what was expected and what was found.</summary>
public sealed class BadImageTests
{
    private static readonly byte[] _blink = File.ReadAllBytes(Fixtures.Image("esp_idf_blink_esp32s2.bin"));

    private static ImageInspection Inspect(byte[] bytes, string name = "firmware.bin") => AppImageReader.Inspect(new MemoryStream(bytes), name);

    private static Diagnostic SingleError(ImageInspection image, string code)
    {
        Assert.False(image.Valid);
        var error = Assert.Single(image.Errors, e => e.Code == code);
        Assert.Contains(image.File, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Empty_file()
    {
        var error = SingleError(Inspect([]), DiagnosticCodes.EmptyFile);
        Assert.Contains("0 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_in_a_segment_names_the_segment_and_the_byte_counts()
    {
        var image = Inspect(_blink[..0x20000]);

        var error = SingleError(image, DiagnosticCodes.SegmentTruncated);
        // Segment 3 (header at 0x10018) declares 0x15ce8 bytes; 0x20000 - 0x10020 remain.
        Assert.Contains("segment 3", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{0x15ce8} bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains($"only {0x20000 - 0x10020} bytes remain", error.Message, StringComparison.Ordinal);
        Assert.NotNull(image.FileSha256);
        Assert.Equal(ImageKind.App, image.Kind); // still recognisable as a cut-short app
        Assert.Equal("blink", image.App!.ProjectName);
    }

    [Fact]
    public void Azure_error_saved_as_firmware_quotes_the_code()
    {
        var xml = """
            <?xml version="1.0" encoding="utf-8"?><Error><Code>AuthenticationFailed</Code><Message>Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.
            RequestId:1</Message></Error>
            """;

        var error = SingleError(Inspect(Encoding.UTF8.GetBytes(xml)), DiagnosticCodes.BadMagic);

        Assert.Contains("<Code>AuthenticationFailed</Code>", error.Message, StringComparison.Ordinal);
        Assert.Contains("a web server's error response was saved as firmware", error.Message, StringComparison.Ordinal);
        Assert.Contains("found 0x3c", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_error_page_quotes_the_title()
    {
        var error = SingleError(Inspect(Encoding.UTF8.GetBytes("<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>")), DiagnosticCodes.BadMagic);
        Assert.Contains("\"404 Not Found\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_error_body_is_recognised()
    {
        var error = SingleError(Inspect(Encoding.UTF8.GetBytes("{\"error\":\"not found\"}")), DiagnosticCodes.BadMagic);
        Assert.Contains("a JSON document", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Checksum_wrong()
    {
        var bytes = (byte[])_blink.Clone();
        bytes[0x2C83F] ^= 0x01; // the checksum byte itself

        var error = SingleError(Inspect(bytes), DiagnosticCodes.ChecksumMismatch);

        Assert.Contains("0x19", error.Message, StringComparison.Ordinal);
        Assert.Contains("0x18", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flipped_byte_in_a_segment_fails_checksum_and_sha256()
    {
        // esptool image_info exits 0 on this file; esp-release must not.
        var bytes = (byte[])_blink.Clone();
        bytes[0x12345] ^= 0x40;

        var image = Inspect(bytes);

        Assert.False(image.Valid);
        Assert.Contains(image.Errors, e => e.Code == DiagnosticCodes.ChecksumMismatch);
        Assert.Contains(image.Errors, e => e.Code == DiagnosticCodes.HashMismatch);
    }

    [Fact]
    public void A_changed_stored_hash_fails_sha256_only()
    {
        var bytes = (byte[])_blink.Clone();
        bytes[^1] ^= 0xFF;

        var error = SingleError(Inspect(bytes), DiagnosticCodes.HashMismatch);
        Assert.Contains("10f48f4a71a48cc4c917d70d13bf717b1bc7f3187b3d564b00192f7e381531b7", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Segment_count_running_past_the_file()
    {
        var bytes = (byte[])_blink.Clone();
        bytes[1] = 9; // six segments really follow

        var image = Inspect(bytes);

        Assert.False(image.Valid);
        // The reader walks on into the footer bytes as if they were segment 6's header, then runs out of file.
        Assert.Contains(image.Errors, e => e.Code == DiagnosticCodes.SegmentTruncated && System.Text.RegularExpressions.Regex.IsMatch(e.Message, "truncated in segment [678]"));
    }

    [Fact]
    public void Unknown_chip_id_is_an_error_not_a_guess()
    {
        var bytes = new ImageBuilder { ChipId = 0x0A }.AppDescriptor("demo", "1.0.0").Build();

        var image = Inspect(bytes);

        Assert.Null(image.Chip);
        SingleError(image, DiagnosticCodes.UnknownChip);
    }

    [Fact]
    public void App_without_appended_hash_is_refused()
    {
        var bytes = new ImageBuilder { AppendHash = false }.AppDescriptor("demo", "1.0.0").Build();
        SingleError(Inspect(bytes), DiagnosticCodes.AppWithoutHash);
    }

    [Fact]
    public void Unexpected_bytes_after_the_image()
    {
        var bytes = _blink.Concat(Encoding.ASCII.GetBytes("garbage!")).ToArray();
        SingleError(Inspect(bytes), DiagnosticCodes.UnexpectedTrailingData);
    }

    [Fact]
    public void Flash_mapped_segment_off_its_MMU_page_is_refused()
    {
        // Segment 1 data lands at file offset 0x128 but its address is 0x40080020 (≡ 0x20 mod 64 KiB).
        var bytes = new ImageBuilder().AppDescriptor("demo", "1.0.0").Segment(0x40080020, new byte[64]).Build();

        var error = SingleError(Inspect(bytes), DiagnosticCodes.MmuMisaligned);
        Assert.Contains("0x40080020", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Built_images_round_trip()
    {
        var bytes = new ImageBuilder().AppDescriptor("demo", "1.2.3", secureVersion: 2).Segment(0x3ffb0000, new byte[100]).Build();

        var image = Inspect(bytes);

        Assert.True(image.Valid, string.Join("\n", image.Diagnostics));
        Assert.Equal(ImageKind.App, image.Kind);
        Assert.Equal("demo", image.App!.ProjectName);
        Assert.Equal("1.2.3", image.App.Version);
        Assert.Equal(2u, image.App.SecureVersion);
    }

    [Fact]
    public void An_image_with_no_flash_mapped_segment_is_a_ram_app()
    {
        var bytes = new ImageBuilder().Segment(0x3ffb0000, new byte[16]).Segment(0x40022000, new byte[32]).Build();

        var image = Inspect(bytes, "hello.bin");

        Assert.True(image.Valid, string.Join("\n", image.Diagnostics));
        Assert.Equal(ImageKind.RamApp, image.Kind);
    }

    [Fact]
    public void Missing_file_is_reported_not_thrown()
    {
        var image = AppImageReader.Inspect(Path.Combine(Path.GetTempPath(), "no-such-dir", "none.bin"));
        SingleError(image, DiagnosticCodes.FileNotFound);
    }
}
