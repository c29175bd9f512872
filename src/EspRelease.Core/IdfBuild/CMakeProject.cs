using System.Text.RegularExpressions;
using EspRelease.Core.IO;

namespace EspRelease.Core.IdfBuild;

/// <summary>
/// The top-level CMakeLists.txt of an ESP-IDF project: its <c>project(&lt;name&gt;)</c> is the name
/// idf.py gives the build (project_description.json's project_name, the app image &lt;name&gt;.bin).
/// </summary>
public static partial class CMakeProject
{
    public const string FileName = "CMakeLists.txt";

    /// <summary>The name <c>project()</c> declares in <paramref name="projectDirectory"/>'s CMakeLists.txt; null when there is none.</summary>
    /// <exception cref="Diagnostics.EspReleaseException">The file is there but cannot be read.</exception>
    public static string? Name(string projectDirectory) =>
        Code(projectDirectory) is { } code && ProjectCall().Match(code) is { Success: true } match ? match.Groups["name"].Value : null;

    /// <summary>The top-level CMakeLists.txt with its comments removed; null when there is none.</summary>
    /// <exception cref="Diagnostics.EspReleaseException">The file is there but cannot be read.</exception>
    public static string? Code(string projectDirectory)
    {
        var cmake = Path.Combine(projectDirectory, FileName);
        return File.Exists(cmake)
            ? string.Join('\n', InputFile.ReadAllText(cmake).ReplaceLineEndings("\n").Split('\n').Select(l => l.Split('#')[0]))
            : null;
    }

    /// <summary>True when <paramref name="code"/> sets PROJECT_VER itself, which wins over version.txt (esp-idf-formats §2.3).</summary>
    public static bool SetsProjectVer(string code) => SetProjectVer().IsMatch(code);

    /// <summary>True when <paramref name="code"/> has an <c>include()</c> naming <paramref name="fileName"/>.</summary>
    public static bool Includes(string code, string fileName) =>
        IncludeCall().Matches(code).Any(m => m.Groups["args"].Value.Contains(fileName, StringComparison.Ordinal));

    [GeneratedRegex(@"\bproject\s*\(\s*""?(?<name>[A-Za-z0-9_.+-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectCall();

    // CMake commands are case-insensitive, variable names are not.
    [GeneratedRegex(@"\b(?i:set)\s*\(\s*""?PROJECT_VER""?[\s)]", RegexOptions.CultureInvariant)]
    private static partial Regex SetProjectVer();

    [GeneratedRegex(@"\binclude\s*\((?<args>[^)]*)\)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IncludeCall();
}
