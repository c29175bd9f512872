using System.Globalization;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.IO;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>
/// <c>--results-file</c>: a command's results as <c>Name=Value</c> lines, for the MSBuild tasks, which
/// run on netstandard2.0 without a JSON parser. Values that hold a secret (a SAS) never go here.
/// </summary>
internal static class ResultsFile
{
    public static void Write(string path, IEnumerable<KeyValuePair<string, string?>> results)
    {
        var text = new System.Text.StringBuilder();
        foreach (var (name, value) in results)
        {
            if (value is not null)
            {
                // One line per value: the reader splits on the first '=' and on line ends.
                text.Append(name).Append('=').Append(value.ReplaceLineEndings(" ")).Append('\n');
            }
        }

        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        AtomicFile.WriteAllBytes(full, System.Text.Encoding.UTF8.GetBytes(text.ToString()), durable: false);
    }

    /// <summary>What pack and publish say of a release directory.</summary>
    public static void AddRelease(IDictionary<string, string?> results, PackedRelease release)
    {
        var m = release.Manifest;
        results["ReleaseDirectory"] = Path.GetFullPath(release.Directory);
        results["Firmware"] = Path.GetFullPath(release.FirmwarePath);
        results["ManifestJws"] = Path.GetFullPath(release.ManifestJwsPath);
        results["Project"] = m.Project;
        results["Version"] = m.Version;
        results["Chip"] = m.Chip;
        results["SecureVersion"] = m.SecureVersion.ToString(CultureInfo.InvariantCulture);
        results["Sha256"] = m.Firmware.Sha256;
        results["Size"] = m.Firmware.Size.ToString(CultureInfo.InvariantCulture);
        results["KeyId"] = release.KeyId;
    }

    /// <summary>What inspect says of a build directory.</summary>
    public static void AddBuild(IDictionary<string, string?> results, BuildInspection build)
    {
        results["Valid"] = build.Valid ? "true" : "false";
        results["BuildDirectory"] = Path.GetFullPath(build.Directory);
        if (build.App is { } app)
        {
            AddImage(results, app);
        }
    }

    /// <summary>What inspect says of an app image.</summary>
    public static void AddImage(IDictionary<string, string?> results, ImageInspection app)
    {
        results["AppImage"] = Path.GetFullPath(app.File);
        results["Project"] = app.App?.ProjectName;
        results["Version"] = app.App?.Version;
        results["SecureVersion"] = app.App?.SecureVersion.ToString(CultureInfo.InvariantCulture);
        results["IdfVersion"] = app.App?.IdfVersion;
        results["Chip"] = app.Chip?.IdfTarget;
        results["Sha256"] = app.FileSha256 is { } sha ? Convert.ToHexStringLower(sha) : null;
        results["Size"] = app.Size.ToString(CultureInfo.InvariantCulture);
    }
}
