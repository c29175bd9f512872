using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Certificates;

/// <summary>Where an ESP-IDF project keeps the CA file its firmware embeds.</summary>
public sealed record ProjectCaLocation(string Path, string FoundBy);

/// <summary>
/// Finds the project's CA file: the .pem that main/CMakeLists.txt embeds (EMBED_TXTFILES, as the
/// OTA examples do), else CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH, else server_certs/ca_cert.pem.
/// </summary>
public static partial class ProjectCaFile
{
    public const string DefaultRelativePath = "server_certs/ca_cert.pem";

    public static ProjectCaLocation Locate(string projectDirectory)
    {
        var project = Path.GetFullPath(projectDirectory);
        var main = Path.Combine(project, "main");
        var cmake = Path.Combine(main, "CMakeLists.txt");
        if (File.Exists(cmake))
        {
            var embedded = EmbedFiles().Matches(InputFile.ReadAllText(cmake))
                .SelectMany(m => m.Groups["files"].Value.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
                .Select(token => token.Trim('"'))
                .Where(token => token.EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
                .Select(token => Resolve(token, project, main, cmake))
                .ToList();
            // A firmware may embed other PEMs too (the release's public key): the CA file is one that
            // holds certificates, or, before it exists, one not named as a key. Never a key file,
            // which `ca fetch` and `ca dev` would otherwise overwrite.
            var ca = embedded.FirstOrDefault(HoldsCertificates)
                ?? embedded.FirstOrDefault(path => !File.Exists(path) && !Path.GetFileName(path).Contains("key", StringComparison.OrdinalIgnoreCase));
            if (ca is not null)
            {
                return new ProjectCaLocation(ca, "main/CMakeLists.txt (EMBED_TXTFILES)");
            }
        }

        foreach (var config in new[] { "sdkconfig", "sdkconfig.defaults" })
        {
            var file = Path.Combine(project, config);
            if (File.Exists(file) && BundlePath().Match(InputFile.ReadAllText(file)) is { Success: true } bundle)
            {
                return new ProjectCaLocation(FullPath(bundle.Groups["path"].Value, project, file, "CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH"), $"{config} (CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH)");
            }
        }

        return new ProjectCaLocation(Path.Combine(project, DefaultRelativePath.Replace('/', Path.DirectorySeparatorChar)), "the ESP-IDF examples' default");
    }

    private static bool HoldsCertificates(string path) =>
        File.Exists(path) && InputFile.ReadAllText(path).Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal);

    private static string Resolve(string token, string project, string main, string cmake)
    {
        var path = token
            .Replace("${project_dir}", project, StringComparison.Ordinal)
            .Replace("${PROJECT_DIR}", project, StringComparison.Ordinal)
            .Replace("${CMAKE_SOURCE_DIR}", project, StringComparison.Ordinal)
            .Replace("${CMAKE_CURRENT_SOURCE_DIR}", main, StringComparison.Ordinal)
            .Replace("${CMAKE_CURRENT_LIST_DIR}", main, StringComparison.Ordinal)
            .Replace("${COMPONENT_DIR}", main, StringComparison.Ordinal);
        return FullPath(path.Replace('/', Path.DirectorySeparatorChar), main, cmake, "EMBED_TXTFILES");
    }

    /// <summary>
    /// A path a project file names, made full. One that no path may be (a NUL in it) is a typed error
    /// naming the file and the setting: the file system would answer it with an ArgumentException.
    /// </summary>
    private static string FullPath(string path, string baseDirectory, string file, string setting) =>
        path.Length > 0 && InputPath.Problem(path) is { } problem
            ? throw new EspReleaseException(DiagnosticCodes.CaFileNotFound,
                $"{file}: {setting} names {InputPath.Quote(path)} as the CA file, which cannot be a path: {problem}. Correct it in {Path.GetFileName(file)}.", file, FailureKind.Usage)
            : Path.GetFullPath(path, baseDirectory);

    [GeneratedRegex(@"EMBED_TXTFILES(?<files>[^)]*?)(?=\)|\s[A-Z_]{4,}\s)", RegexOptions.CultureInvariant)]
    private static partial Regex EmbedFiles();

    [GeneratedRegex(@"^CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=""(?<path>[^""]*)""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BundlePath();
}
