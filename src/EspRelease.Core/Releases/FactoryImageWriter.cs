using System.Security.Cryptography;
using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.IO;

namespace EspRelease.Core.Releases;

/// <summary>
/// Writes the image a new board is programmed with: every part of <c>flasher_args.json</c>
/// (bootloader, partition table, OTA data, app) at its offset, 0xFF between them (what erased flash
/// reads), as <c>esptool merge_bin</c> does; plus an ESP Web Tools manifest so a browser can flash it.
/// </summary>
public static class FactoryImageWriter
{
    private const int FillChunk = 64 * 1024;

    /// <param name="build">The validated build (its flasher_args.json names the parts).</param>
    /// <param name="releasedApp">The released firmware file, used for the app part so both hold the same bytes.</param>
    /// <param name="directory">Where to write (the release's factory/ folder).</param>
    /// <param name="fileName">The merged image's file name.</param>
    /// <param name="project">Project name, for the web manifest.</param>
    /// <param name="version">Version, for the web manifest.</param>
    /// <param name="chip">The chip, whose name is ESP Web Tools' chipFamily.</param>
    public static FactoryImage Write(BuildInspection build, string releasedApp, string directory, string fileName, string project, string version, ChipInfo chip)
    {
        var parts = (build.Flasher?.Files ?? [])
            .Select(f => new FlashFilePart(f.Offset, f.Name == "app" ? releasedApp : Path.Combine(build.Directory, f.File), f.Name))
            .OrderBy(p => p.Offset)
            .ToList();
        if (parts.Count == 0)
        {
            throw new EspReleaseException(DiagnosticCodes.BuildFileMissing,
                $"{Path.Combine(build.Directory, FlasherArgs.FileName)}: names no flash parts, so no factory image can be made. Run `idf.py build` again.", build.Directory);
        }

        // Every part is opened first, through the one input path (a device or a pipe would make the merged
        // image endless), and placed by its opened length; ends are 64-bit so an offset near 4 GiB cannot wrap.
        var limit = build.Flasher?.FlashSizeBytes ?? Partitions.PartitionEntry.AddressSpace;
        var opened = new List<(FlashFilePart Part, Stream Stream)>();
        try
        {
            long end = 0;
            foreach (var part in parts)
            {
                if (!InputFile.Exists(part.Path))
                {
                    throw new EspReleaseException(DiagnosticCodes.BuildFileMissing, $"{part.Path}: the {part.Name} part of the factory image is missing. Run `idf.py build` again.", part.Path);
                }

                if (part.Offset < end)
                {
                    throw new EspReleaseException(DiagnosticCodes.FactoryPartsOverlap,
                        $"{part.Path}: the {part.Name} part starts at 0x{part.Offset:x}, inside the previous part (which ends at 0x{end:x}); flasher_args.json and the partition table disagree. Check partitions.csv offsets and rebuild.", part.Path);
                }

                var stream = InputFile.OpenRead(part.Path);
                opened.Add((part, stream));
                end = part.Offset + stream.Length;
                if ((ulong)end > limit)
                {
                    throw new EspReleaseException(DiagnosticCodes.FactoryPartPastFlash,
                        $"{part.Path}: the {part.Name} part ({stream.Length} bytes at 0x{part.Offset:x}) would end at 0x{end:x}, past the {(build.Flasher?.FlashSizeBytes is null ? "4 GiB a 32-bit flash address reaches" : $"flash size ({build.Flasher.FlashSize}) in flasher_args.json")}. Check the offsets in flasher_args.json and partitions.csv (or the flash size in menuconfig) and rebuild.", part.Path);
                }
            }

            return WriteImage(opened, directory, fileName, project, version, chip, end);
        }
        finally
        {
            opened.ForEach(o => o.Stream.Dispose());
        }
    }

    private static FactoryImage WriteImage(List<(FlashFilePart Part, Stream Stream)> parts, string directory, string fileName, string project, string version, ChipInfo chip, long end)
    {
        var imagePath = Path.Combine(directory, fileName);
        var temp = AtomicFile.TempPathFor(imagePath);
        byte[] sha256;
        try
        {
            using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
            {
                var fill = new byte[FillChunk];
                Array.Fill(fill, (byte)0xFF);
                var buffer = new byte[256 * 1024];
                foreach (var (part, input) in parts)
                {
                    for (var gap = part.Offset - output.Position; gap > 0; gap -= Math.Min(gap, FillChunk))
                    {
                        var n = (int)Math.Min(gap, FillChunk);
                        output.Write(fill, 0, n);
                        hash.AppendData(fill, 0, n);
                    }

                    int read;
                    while ((read = input.Read(buffer)) > 0)
                    {
                        output.Write(buffer, 0, read);
                        hash.AppendData(buffer, 0, read);
                    }
                }

                sha256 = hash.GetHashAndReset();
            }

            AtomicFile.Commit(temp, imagePath);
        }
        finally
        {
            File.Delete(temp);
        }

        var webManifestPath = Path.Combine(directory, "manifest.json");
        AtomicFile.WriteAllBytes(webManifestPath, WebManifest(fileName, project, version, chip));
        return new FactoryImage(imagePath, end, Convert.ToHexStringLower(sha256), webManifestPath);
    }

    private sealed record FlashFilePart(uint Offset, string Path, string Name);

    // https://github.com/esphome/esp-web-tools: builds[].chipFamily is the chip's marketing name; one part at offset 0.
    private static byte[] WebManifest(string fileName, string project, string version, ChipInfo chip)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            w.WriteStartObject();
            w.WriteString("name", project);
            w.WriteString("version", version);
            w.WriteBoolean("new_install_prompt_erase", true);
            w.WriteStartArray("builds");
            w.WriteStartObject();
            w.WriteString("chipFamily", chip.Name);
            w.WriteStartArray("parts");
            w.WriteStartObject();
            w.WriteString("path", fileName);
            w.WriteNumber("offset", 0);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
