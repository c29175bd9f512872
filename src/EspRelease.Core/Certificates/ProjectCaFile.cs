using System.Text.RegularExpressions;

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
            foreach (Match m in EmbedFiles().Matches(File.ReadAllText(cmake)))
            {
                foreach (var token in m.Groups["files"].Value.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries))
                {
                    if (token.Trim('"').EndsWith(".pem", StringComparison.OrdinalIgnoreCase))
                    {
                        return new ProjectCaLocation(Resolve(token.Trim('"'), project, main), "main/CMakeLists.txt (EMBED_TXTFILES)");
                    }
                }
            }
        }

        foreach (var config in new[] { "sdkconfig", "sdkconfig.defaults" })
        {
            var file = Path.Combine(project, config);
            if (File.Exists(file) && BundlePath().Match(File.ReadAllText(file)) is { Success: true } bundle)
            {
                return new ProjectCaLocation(Path.GetFullPath(bundle.Groups["path"].Value, project), $"{config} (CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH)");
            }
        }

        return new ProjectCaLocation(Path.Combine(project, DefaultRelativePath.Replace('/', Path.DirectorySeparatorChar)), "the ESP-IDF examples' default");
    }

    private static string Resolve(string token, string project, string main)
    {
        var path = token
            .Replace("${project_dir}", project, StringComparison.Ordinal)
            .Replace("${PROJECT_DIR}", project, StringComparison.Ordinal)
            .Replace("${CMAKE_SOURCE_DIR}", project, StringComparison.Ordinal)
            .Replace("${CMAKE_CURRENT_SOURCE_DIR}", main, StringComparison.Ordinal)
            .Replace("${CMAKE_CURRENT_LIST_DIR}", main, StringComparison.Ordinal)
            .Replace("${COMPONENT_DIR}", main, StringComparison.Ordinal);
        return Path.GetFullPath(path.Replace('/', Path.DirectorySeparatorChar), main);
    }

    [GeneratedRegex(@"EMBED_TXTFILES(?<files>[^)]*?)(?=\)|\s[A-Z_]{4,}\s)", RegexOptions.CultureInvariant)]
    private static partial Regex EmbedFiles();

    [GeneratedRegex(@"^CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=""(?<path>[^""]*)""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex BundlePath();
}
