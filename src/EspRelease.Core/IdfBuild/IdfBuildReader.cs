using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.IO;
using EspRelease.Core.Partitions;

namespace EspRelease.Core.IdfBuild;

/// <summary>
/// Reads an <c>idf.py build</c> directory: <c>project_description.json</c> and
/// <c>flasher_args.json</c> say which files make up the firmware; each is inspected, then checked
/// against the others the way the device will meet them.
/// </summary>
public static class IdfBuildReader
{
    /// <summary>True when <paramref name="directory"/> looks like a build directory (or a project holding one in <c>build/</c>).</summary>
    public static bool IsBuildDirectory(string directory) => ResolveBuildDirectory(directory) is not null;

    /// <summary>The build directory itself, or <c>dir/build</c> when given the project directory; null when neither.</summary>
    public static string? ResolveBuildDirectory(string directory)
    {
        if (File.Exists(Path.Combine(directory, ProjectDescription.FileName)))
        {
            return directory;
        }

        var nested = Path.Combine(directory, "build");
        return File.Exists(Path.Combine(nested, ProjectDescription.FileName)) ? nested : null;
    }

    /// <param name="directory">The build directory, or the project directory holding build/.</param>
    /// <param name="inspectApp">
    /// Inspects the app image instead of reading it from the build: given the build's path to the
    /// app, returns its inspection. <c>pack</c> uses it to inspect the copy it releases, so the
    /// bytes checked are the bytes shipped, hashed once.
    /// </param>
    public static BuildInspection Inspect(string directory, Func<string, ImageInspection>? inspectApp = null)
    {
        var buildDir = ResolveBuildDirectory(directory) ?? directory;
        var result = new BuildInspection { Directory = buildDir };
        var descriptionPath = Path.Combine(buildDir, ProjectDescription.FileName);
        var flasherPath = Path.Combine(buildDir, FlasherArgs.FileName);

        result.Project = ReadJson(result, descriptionPath, ProjectDescription.Parse);
        if (result.Project is null)
        {
            return result;
        }

        result.Flasher = ReadJson(result, flasherPath, FlasherArgs.Parse);
        var appFile = result.Flasher?.App?.File ?? result.Project.AppBin;
        var appPath = Path.Combine(buildDir, appFile);
        result.App = inspectApp is null ? AppImageReader.Inspect(appPath) : inspectApp(appPath);

        if (result.Flasher?.Bootloader is { } bootloader)
        {
            result.Bootloader = AppImageReader.Inspect(Path.Combine(buildDir, bootloader.File));
        }

        var tableFile = result.Flasher?.PartitionTable?.File ?? Path.Combine("partition_table", "partition-table.bin");
        var tablePath = Path.Combine(buildDir, tableFile);
        if (InputFile.Exists(tablePath))
        {
            result.PartitionTable = PartitionTable.Read(tablePath);
        }
        else
        {
            result.Error(DiagnosticCodes.BuildFileMissing, $"{tablePath}: the partition table is missing, so the OTA slot sizes are unknown. Run `idf.py build` (it writes partition_table/partition-table.bin).", tablePath);
        }

        CrossCheck(result);
        return result;
    }

    private static T? ReadJson<T>(BuildInspection result, string path, Func<ReadOnlyMemory<byte>, T> parse)
        where T : class
    {
        if (!InputFile.Exists(path))
        {
            result.Error(DiagnosticCodes.BuildFileMissing, $"{path}: not found. {result.Directory} is not an `idf.py build` output directory; pass the project's `build` folder after running `idf.py build`.", path);
            return null;
        }

        try
        {
            return BuildJsonFile.Read(path, parse);
        }
        catch (EspReleaseException e)
        {
            result.Diagnostics.AddRange(e.Diagnostics);
            return null;
        }
    }

    private static void CrossCheck(BuildInspection result)
    {
        var project = result.Project!;
        var app = result.App!;
        if (!app.Valid && app.Header is null)
        {
            return;
        }

        if (app.Kind != ImageKind.App && app.Header is not null)
        {
            result.Error(DiagnosticCodes.NotAnApp, $"{app.File}: expected the application image, found a {app.Kind.ToJsonName()} image (no esp_app_desc_t at offset 0x20). Check `app_bin` in project_description.json.", app.File);
        }

        if (app.Header is not null)
        {
            var actual = app.Chip?.IdfTarget ?? $"chip id {app.Header.ChipId}";
            Check(result, "chip", project.Target, actual, DiagnosticCodes.ChipMismatch,
                $"{app.File}: the image is built for {actual}, but the build's target is {project.Target}. Run `idf.py set-target {project.Target}` and rebuild, or pass the right build directory.");
        }

        if (app.App is { } desc)
        {
            // The descriptor holds at most 31 characters; project_description.json has the full value.
            var name = Truncate31(project.ProjectName);
            Check(result, "projectName", name, desc.ProjectName, DiagnosticCodes.ProjectNameMismatch,
                $"{app.File}: the image's project name is \"{desc.ProjectName}\", the build's is \"{name}\". The .bin is from another project or a stale build; run `idf.py build` again.");

            if (project.ProjectVersion is { } version)
            {
                var expected = Truncate31(version);
                Check(result, "version", expected, desc.Version, DiagnosticCodes.VersionMismatch,
                    $"{app.File}: the image's version is \"{desc.Version}\", the build's is \"{expected}\". The .bin is stale (PROJECT_VER changed after it was built); run `idf.py build` again.");
            }
        }

        CheckSlots(result, app);
        CheckProjectDirectory(result, project);
    }

    // A build copied into another project's folder (or the sample's build left in a renamed one) packs
    // as the other project: say so while the names can still be compared.
    private static void CheckProjectDirectory(BuildInspection result, ProjectDescription project)
    {
        var projectDirectory = Path.GetDirectoryName(Path.GetFullPath(result.Directory));
        string? declared;
        try
        {
            declared = projectDirectory is null ? null : CMakeProject.Name(projectDirectory);
        }
        catch (EspReleaseException)
        {
            return; // only a comparison: an unreadable CMakeLists.txt is the build's business, not this check's
        }

        if (declared is not null && declared != project.ProjectName)
        {
            var cmake = Path.Combine(projectDirectory!, CMakeProject.FileName);
            result.Warn(DiagnosticCodes.BuildOfAnotherProject,
                $"{result.Directory}: this build is of project \"{project.ProjectName}\", but {cmake} declares project({declared}): the build directory comes from another project (copied in, or built from another source tree). Run `idf.py build` in {projectDirectory}, or pass that project's own build directory.", cmake);
        }
    }

    private static void CheckSlots(BuildInspection result, ImageInspection app)
    {
        if (result.PartitionTable is not { Valid: true } table)
        {
            return;
        }

        var smallest = table.SmallestOtaSlot;
        if (smallest is null)
        {
            result.Warn(DiagnosticCodes.NoOtaSlots, $"{table.File}: the partition table has no OTA slots (ota_0, ota_1), so this firmware cannot be updated over the air. Select \"Two OTA definitions\" (CONFIG_PARTITION_TABLE_TWO_OTA) or add ota_0/ota_1 and otadata to partitions.csv.", table.File);
            smallest = table.AppPartitions.MinBy(e => e.Size);
            if (smallest is null)
            {
                result.Error(DiagnosticCodes.NoAppSlot, $"{table.File}: the partition table has no app partition at all; the bootloader would have nothing to boot.", table.File);
                return;
            }
        }

        var size = app.Size;
        Check(result, "fitsSmallestSlot", $"<= {smallest.Size} ({smallest.Name})", size.ToString(System.Globalization.CultureInfo.InvariantCulture), size <= smallest.Size, DiagnosticCodes.AppTooLargeForSlot,
            $"{app.File}: the app is {size} bytes (0x{size:x}) but the smallest app slot '{smallest.Name}' holds {smallest.Size} bytes (0x{smallest.Size:x}); the device would fail the update (image larger than the partition). Make the slots bigger in partitions.csv, or the app smaller (e.g. CONFIG_COMPILER_OPTIMIZATION_SIZE).");

        if (size <= smallest.Size && smallest.Size - size < smallest.Size / 20)
        {
            result.Warn(DiagnosticCodes.AppSlotNearlyFull, $"{app.File}: the app leaves {smallest.Size - size} bytes free in '{smallest.Name}' (under 5%); the next releases may not fit.", app.File);
        }
    }

    private static void Check(BuildInspection result, string name, string expected, string actual, string code, string message) =>
        Check(result, name, expected, actual, string.Equals(expected, actual, StringComparison.Ordinal), code, message);

    private static void Check(BuildInspection result, string name, string expected, string actual, bool passed, string code, string message)
    {
        result.CrossChecks.Add(new CrossCheck(name, expected, actual, passed));
        if (!passed)
        {
            result.Error(code, message, result.App?.File);
        }
    }

    private static string Truncate31(string value)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(value);
        return bytes.Length <= 31 ? value : System.Text.Encoding.UTF8.GetString(bytes, 0, 31);
    }
}
