using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.IdfBuild;

public sealed class IdfBuildReaderTests
{
    [Fact]
    public void The_simple_ota_build_passes_its_cross_checks()
    {
        var build = IdfBuildReader.Inspect(Fixtures.SimpleOtaBuild);

        Assert.True(build.Valid, string.Join("\n", build.AllDiagnostics));
        Assert.Equal("blink", build.Project!.ProjectName);
        Assert.Equal("esp32s2", build.Project.Target);
        Assert.Equal(0x10000u, build.Flasher!.App!.Offset);
        Assert.Equal(Core.Images.ImageKind.App, build.App!.Kind);
        Assert.Equal(Core.Images.ImageKind.Bootloader, build.Bootloader!.Kind);
        Assert.Equal("3b1b3fc01a2686d7b710ef654e930b297213e1810725673df347068614a5958f", Convert.ToHexStringLower(build.Bootloader.Hash!.Stored));
        Assert.Equal(0x4004c1bcu, build.Bootloader.Header!.EntryAddress);
        Assert.Equal(["chip", "projectName", "version", "fitsSmallestSlot"], build.CrossChecks.Select(c => c.Name));
        Assert.All(build.CrossChecks, c => Assert.True(c.Passed, c.Name));
    }

    [Theory]
    [InlineData("project(fleet_node)", true)]
    [InlineData("# project(fleet_node)\nproject(blink)", false)]
    [InlineData("cmake_minimum_required(VERSION 3.16)", false)]
    public void A_build_inside_another_projects_folder_is_warned_about(string cmakeLists, bool warned)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("CMakeLists.txt"), $"cmake_minimum_required(VERSION 3.16)\ninclude($ENV{{IDF_PATH}}/tools/cmake/project.cmake)\n{cmakeLists}\n");
        dir.CopyTree(Fixtures.SimpleOtaBuild, "build");

        var build = IdfBuildReader.Inspect(dir.Path);

        Assert.True(build.Valid, string.Join("\n", build.AllDiagnostics));
        var warning = build.AllDiagnostics.SingleOrDefault(d => d.Code == DiagnosticCodes.BuildOfAnotherProject);
        Assert.Equal(warned, warning is not null);
        if (warned)
        {
            Assert.Contains("this build is of project \"blink\", but", warning!.Message, StringComparison.Ordinal);
            Assert.Contains("declares project(fleet_node)", warning.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_target_other_than_the_image_chip_fails()
    {
        using var dir = new TempDirectory();
        var build = dir.CopyTree(Fixtures.SimpleOtaBuild, "build");
        Replace(Path.Combine(build, "project_description.json"), "\"target\":\\s*\"esp32s2\"", "\"target\": \"esp32c3\"");

        var result = IdfBuildReader.Inspect(build);

        Assert.False(result.Valid);
        var error = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.ChipMismatch);
        Assert.Contains("esp32c3", error.Message, StringComparison.Ordinal);
        Assert.Contains("idf.py set-target", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_stale_image_version_fails()
    {
        using var dir = new TempDirectory();
        var build = dir.CopyTree(Fixtures.SimpleOtaBuild, "build");
        Replace(Path.Combine(build, "project_description.json"), "\"project_version\":\\s*\"qa-test-v5.0-20220830-4-g4532e6\"", "\"project_version\": \"2.0.0\"");

        var result = IdfBuildReader.Inspect(build);

        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.VersionMismatch);
    }

    [Fact]
    public void An_app_larger_than_the_smallest_ota_slot_fails()
    {
        using var dir = new TempDirectory();
        var build = dir.CopyTree(Fixtures.SimpleOtaBuild, "build");
        // The app is 182368 bytes; swap in a table whose ota_1 holds 128 KiB.
        File.WriteAllBytes(Path.Combine(build, "partition_table", "partition-table.bin"), TableWithSlots(0x100000, 0x20000));

        var result = IdfBuildReader.Inspect(build);

        var error = Assert.Single(result.Diagnostics, d => d.Code == DiagnosticCodes.AppTooLargeForSlot);
        Assert.Contains("182368 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("'ota_1' holds 131072 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_directory_resolves_to_its_build_folder()
    {
        using var dir = new TempDirectory();
        dir.CopyTree(Fixtures.SimpleOtaBuild, "build");

        Assert.Equal(dir.Combine("build"), IdfBuildReader.ResolveBuildDirectory(dir.Path));
    }

    [Fact]
    public void Missing_flasher_args_falls_back_to_project_description()
    {
        using var dir = new TempDirectory();
        var build = dir.CopyTree(Fixtures.SimpleOtaBuild, "build");
        File.Delete(Path.Combine(build, "flasher_args.json"));

        var result = IdfBuildReader.Inspect(build);

        Assert.Contains(result.Diagnostics, d => d.Code == DiagnosticCodes.BuildFileMissing && d.Message.Contains("flasher_args.json", StringComparison.Ordinal));
        Assert.NotNull(result.App);
        Assert.True(result.App.Valid);
    }

    [Fact]
    public void Broken_json_names_the_file()
    {
        using var dir = new TempDirectory();
        var build = dir.CopyTree(Fixtures.SimpleOtaBuild, "build");
        File.WriteAllText(Path.Combine(build, "project_description.json"), "{ \"project_name\": ");

        var result = IdfBuildReader.Inspect(build);

        var error = Assert.Single(result.Diagnostics);
        Assert.Equal(DiagnosticCodes.BuildJsonInvalid, error.Code);
        Assert.Contains("project_description.json", error.Message, StringComparison.Ordinal);
    }

    private static void Replace(string path, string pattern, string replacement)
    {
        var text = File.ReadAllText(path);
        Assert.Matches(pattern, text);
        File.WriteAllText(path, System.Text.RegularExpressions.Regex.Replace(text, pattern, replacement));
    }

    /// <summary>nvs, otadata, ota_0 and ota_1 with the given sizes, an MD5 record and 0xFF fill, as gen_esp32part writes.</summary>
    private static byte[] TableWithSlots(uint ota0, uint ota1) => PartitionTableBuilder.Build(
        ("nvs", 1, 2, 0x9000, 0x4000), ("otadata", 1, 0, 0xd000, 0x2000),
        ("ota_0", 0, 0x10, 0x10000, ota0), ("ota_1", 0, 0x11, 0x10000 + ota0, ota1));
}
