using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.IO;

/// <summary>The one way input files are opened: regular files only, checked before open(2), read up to the length they had.</summary>
public sealed class InputFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_kinds_of_path_are_told_apart_without_opening_them()
    {
        var file = _temp.Combine("a.bin");
        File.WriteAllBytes(file, [1, 2, 3]);

        Assert.Equal(FileKind.Regular, FileKinds.Of(file, out _));
        Assert.Equal(FileKind.Directory, FileKinds.Of(_temp.Path, out _));
        Assert.Equal(FileKind.Missing, FileKinds.Of(_temp.Combine("nothing"), out _));
        Assert.Equal(FileKind.Missing, FileKinds.Of(Path.Combine(file, "below-a-file"), out _));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal(FileKind.CharacterDevice, FileKinds.Of(SpecialFiles.Zero, out _));
            Assert.Equal(FileKind.NamedPipe, FileKinds.Of(SpecialFiles.MakeFifo(_temp.Combine("fifo")), out _));
        }
    }

    [Fact]
    public void A_character_device_is_refused_before_it_is_read()
    {
        var e = Assert.Throws<EspReleaseException>(() => InputFile.ReadAllBytes(SpecialFiles.Zero));

        Assert.Equal(DiagnosticCodes.NotARegularFile, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
        Assert.Equal(SpecialFiles.Zero, e.Diagnostic.File);
        Assert.StartsWith("/dev/zero: expected a regular file, found a character device.", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_pipe_is_refused_without_blocking_in_open()
    {
        var fifo = SpecialFiles.MakeFifo(_temp.Combine("fifo"));

        var e = await SpecialFiles.WithinSeconds(10, () => Assert.Throws<EspReleaseException>(() => InputFile.OpenRead(fifo)), fifo);

        Assert.Equal(DiagnosticCodes.NotARegularFile, e.Diagnostic.Code);
        Assert.Contains("found a named pipe (FIFO)", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_where_a_file_is_expected_is_named_as_one()
    {
        var e = Assert.Throws<EspReleaseException>(() => InputFile.ReadAllText(_temp.Path));

        Assert.Equal(DiagnosticCodes.NotARegularFile, e.Diagnostic.Code);
        Assert.Contains("found a directory", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("pass the file inside the folder", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_and_a_path_with_a_NUL_are_typed_errors()
    {
        Assert.Equal(DiagnosticCodes.FileNotFound, Assert.Throws<EspReleaseException>(() => InputFile.OpenRead(_temp.Combine("nothing"))).Diagnostic.Code);

        var nul = Assert.Throws<EspReleaseException>(() => InputFile.OpenRead(_temp.Combine("a\0b")));
        Assert.Equal(DiagnosticCodes.FileUnreadable, nul.Diagnostic.Code);
        Assert.Contains("a NUL character (\\u0000)", nul.Diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', nul.Diagnostic.Message);
        Assert.False(InputFile.Exists(_temp.Combine("a\0b")));
    }

    [Fact]
    public void A_file_that_grows_after_it_was_opened_is_read_to_the_length_it_had()
    {
        var file = _temp.Combine("growing.log");
        File.WriteAllBytes(file, new byte[1000]);

        using var stream = InputFile.OpenRead(file);
        File.AppendAllText(file, new string('x', 5000));
        using var copy = new MemoryStream();
        stream.CopyTo(copy);

        Assert.Equal(1000, stream.Length);
        Assert.Equal(1000, copy.Length);
    }

    [Fact]
    public void A_whole_file_read_has_a_ceiling()
    {
        var file = _temp.Combine("big.json");
        File.WriteAllBytes(file, new byte[2048]);

        var e = Assert.Throws<EspReleaseException>(() => InputFile.ReadAllBytes(file, maxLength: 1024));

        Assert.Equal(DiagnosticCodes.FileTooLarge, e.Diagnostic.Code);
        Assert.Contains("expected at most 1024 bytes", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Paths_from_files_are_checked_in_one_place()
    {
        Assert.Null(InputPath.Problem("blink.bin"));
        Assert.Equal("it is empty", InputPath.Problem(""));
        Assert.Contains("NUL", InputPath.Problem("a\0b"), StringComparison.Ordinal);
        Assert.True(InputPath.TryResolve("/base", "sub/x.bin", out var full, out _));
        Assert.Equal(Path.GetFullPath("/base/sub/x.bin"), full);
        Assert.False(InputPath.TryResolve("/base", "x\0", out _, out var problem));
        Assert.Contains("character 2", problem, StringComparison.Ordinal);
        Assert.Equal("\"a\\u0000\\ud800\\\"\"", InputPath.Quote("a\0\ud800\""));
        Assert.Equal("\"😀\"", InputPath.Quote("😀"));
    }
}
