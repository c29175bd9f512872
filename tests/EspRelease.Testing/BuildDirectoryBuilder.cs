using System.Text.Json.Nodes;

namespace EspRelease.Testing;

/// <summary>
/// An idf.py build directory with an app of a chosen version: the simple_ota fixture copied (its
/// real bootloader, partition table and flasher_args.json), with blink.bin replaced by an
/// ImageBuilder app and project_description.json's project_version set to match.
/// </summary>
public static class BuildDirectoryBuilder
{
    /// <param name="temp">Where to put the copy.</param>
    /// <param name="version">The app descriptor's version (and project_version).</param>
    /// <param name="secureVersion">The descriptor's secure_version.</param>
    /// <param name="appBytes">Extra data bytes in the app, to make it larger (multiple of 4).</param>
    /// <param name="project">The project name (the fixture's is blink).</param>
    /// <param name="projectVersion">project_description.json's project_version, when it should differ (e.g. longer than 31).</param>
    public static string Create(TempDirectory temp, string version, uint secureVersion = 0, int appBytes = 4096, string project = "blink", string? projectVersion = null)
    {
        var dir = temp.CopyTree(Fixtures.SimpleOtaBuild, $"build-{Guid.NewGuid():n}");
        var image = new ImageBuilder()
            .AppDescriptor(project, version, secureVersion)
            .Segment(0x3ffbde90, Filler(appBytes, version))
            .Build();
        File.WriteAllBytes(Path.Combine(dir, "blink.bin"), image);
        SetProject(dir, project, projectVersion ?? version);
        return dir;
    }

    /// <summary>Rewrites project_description.json's project_name and project_version.</summary>
    public static void SetProject(string buildDir, string project, string projectVersion)
    {
        var path = Path.Combine(buildDir, "project_description.json");
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["project_name"] = project;
        json["project_version"] = projectVersion;
        File.WriteAllText(path, json.ToJsonString());
    }

    // Different versions get different bytes, as real builds would.
    private static byte[] Filler(int length, string seed)
    {
        var data = new byte[length];
        var hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
        new Random(BitConverter.ToInt32(hash, 0) & 0x7fffffff).NextBytes(data);
        return data;
    }
}
