using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.IdfBuild;

/// <summary>A build directory whose files are not what idf.py writes: each fault is a diagnostic on the inspection, never an exception or a hang.</summary>
public sealed class BuildInputFaultTests : IDisposable
{
    private const string AppBin = "\"app_bin\":            \"blink.bin\"";
    private const string AppFile = "\"file\" : \"blink.bin\"";
    private readonly TempDirectory _temp = new();
    private readonly string _build;

    public BuildInputFaultTests() => _build = _temp.CopyTree(Fixtures.SimpleOtaBuild, "build");

    public void Dispose() => _temp.Dispose();

    private string Description => Path.Combine(_build, ProjectDescription.FileName);

    private string Flasher => Path.Combine(_build, FlasherArgs.FileName);

    [Fact]
    public void A_lone_surrogate_in_app_bin_is_BuildJsonInvalid_naming_the_member()
    {
        BuildFileEdit.Replace(Description, AppBin, "\"app_bin\": \"blink\\ud800.bin\"");

        var error = Assert.Single(IdfBuildReader.Inspect(_build).AllDiagnostics);

        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Equal(Description, error.File);
        Assert.Equal($"{Description}: not the JSON ESP-IDF writes ($.app_bin (line 12): expected a string of Unicode text (UTF-8, no lone surrogates), found the escape \\ud800, a lone UTF-16 surrogate (half of a character)). Delete the build directory and run `idf.py build` again.", error.Message);
    }

    [Fact]
    public void Bytes_that_are_not_UTF8_in_the_target_are_BuildJsonInvalid()
    {
        BuildFileEdit.Replace(Description, "\"esp32s2\"", [.. "\"esp32"u8, 0xC3, 0x28, .. "s2\""u8]);

        var error = Assert.Single(IdfBuildReader.Inspect(_build).AllDiagnostics);

        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Contains("$.target (line 15)", error.Message, StringComparison.Ordinal);
        Assert.Contains("found bytes that are not UTF-8 (0xC3 at byte 6 of the string)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_in_a_flasher_args_file_is_BuildJsonInvalid()
    {
        BuildFileEdit.Replace(Flasher, "\"file\" : \"bootloader/bootloader.bin\"", "\"file\" : \"bootloader/\\udc00.bin\"");

        var build = IdfBuildReader.Inspect(_build);

        var error = Assert.Single(build.AllDiagnostics);
        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Contains("$.bootloader.file (line 16)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_app_bin_is_refused_as_a_path_before_the_file_system_sees_it()
    {
        File.Delete(Flasher); // so app_bin names the app
        BuildFileEdit.Replace(Description, AppBin, "\"app_bin\": \"blink\\u0000.bin\"");

        var error = Assert.Single(IdfBuildReader.Inspect(_build).AllDiagnostics);

        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Contains("\"app_bin\" is \"blink\\u0000.bin\": expected the path of a file in the build directory, but it holds a NUL character (\\u0000) at character 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_NUL_in_the_flasher_args_app_file_is_refused_as_a_path()
    {
        BuildFileEdit.Replace(Flasher, AppFile, "\"file\" : \"bl\\u0000ink.bin\"");

        var error = Assert.Single(IdfBuildReader.Inspect(_build).AllDiagnostics);

        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Contains("\"app\".file is \"bl\\u0000ink.bin\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_app_that_is_dev_zero_is_refused_not_read_forever()
    {
        BuildFileEdit.Replace(Flasher, AppFile, $"\"file\" : \"{SpecialFiles.Zero}\"");

        var build = await SpecialFiles.WithinSeconds(20, () => IdfBuildReader.Inspect(_build));

        Assert.False(build.Valid);
        var error = Assert.Single(build.AllDiagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(DiagnosticCodes.NotARegularFile, error.Code);
        Assert.Equal(SpecialFiles.Zero, error.File);
    }

    [Fact]
    public async Task An_app_that_is_a_named_pipe_is_refused_without_blocking()
    {
        File.Delete(Path.Combine(_build, "blink.bin"));
        var fifo = SpecialFiles.MakeFifo(Path.Combine(_build, "blink.bin"));

        var build = await SpecialFiles.WithinSeconds(20, () => IdfBuildReader.Inspect(_build), fifo);

        var error = Assert.Single(build.AllDiagnostics, d => d.Severity == Severity.Error);
        Assert.Equal(DiagnosticCodes.NotARegularFile, error.Code);
        Assert.Contains("found a named pipe (FIFO)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_where_the_partition_table_should_be_is_named_as_one()
    {
        var table = Path.Combine(_build, "partition_table", "partition-table.bin");
        File.Delete(table);
        Directory.CreateDirectory(table);

        var error = Assert.Single(IdfBuildReader.Inspect(_build).AllDiagnostics, d => d.Severity == Severity.Error);

        Assert.Equal(DiagnosticCodes.NotARegularFile, error.Code);
        Assert.Equal(table, error.File);
        Assert.Contains("found a directory", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProjectDescription_Read_throws_the_same_typed_error()
    {
        BuildFileEdit.Replace(Description, AppBin, "\"app_bin\": \"\\ud800\"");

        var e = Assert.Throws<EspReleaseException>(() => ProjectDescription.Read(Description));

        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Refused, e.Kind);
    }
}
