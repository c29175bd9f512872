using System.Text.RegularExpressions;

namespace EspRelease.Cli.Output;

/// <summary>
/// The EspRelease.MSBuild property behind each command-line option a fix names, so that a build
/// error tells an MSBuild user what to set ("pass --allow-non-semver" means nothing in a csproj).
/// </summary>
internal static partial class MSBuildProperties
{
    private static readonly Dictionary<string, string> _byOption = new(StringComparer.Ordinal)
    {
        ["--allow-non-semver"] = "EspReleaseAllowNonSemver=true",
        ["--allow-insecure"] = "EspReleaseAllowInsecure=true",
        ["--version"] = "EspReleaseVersion",
        ["--key"] = "EspReleaseKeyFile",
        ["--trusted-key"] = "EspReleaseTrustedKey items",
        ["--channel"] = "EspReleaseChannel",
        ["--to"] = "EspReleaseHost",
        ["--host"] = "EspReleaseHost",
        ["--ca"] = "EspReleaseCaFile",
        ["--config"] = "EspReleaseConfigFile",
        ["--factory"] = "EspReleaseFactory=true",
        ["--rollout"] = "EspReleaseRollout",
    };

    /// <summary>Appends " (MSBuild: Property)" after the first mention of each option in a message.</summary>
    public static string Annotate(string message)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return Option().Replace(message, m =>
            _byOption.TryGetValue(m.Value, out var property) && seen.Add(m.Value) ? $"{m.Value} (MSBuild: {property})" : m.Value);
    }

    // An option as a whole word: not part of a longer option (--key-file) or of a path.
    [GeneratedRegex(@"(?<![\w/-])--[a-z][a-z-]*[a-z](?![\w-])", RegexOptions.CultureInvariant)]
    private static partial Regex Option();
}
