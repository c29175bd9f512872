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
    public static string? Name(string projectDirectory)
    {
        var cmake = Path.Combine(projectDirectory, FileName);
        if (!File.Exists(cmake))
        {
            return null;
        }

        var withoutComments = string.Join('\n', InputFile.ReadAllText(cmake).ReplaceLineEndings("\n").Split('\n').Select(l => l.Split('#')[0]));
        var match = ProjectCall().Match(withoutComments);
        return match.Success ? match.Groups["name"].Value : null;
    }

    [GeneratedRegex(@"\bproject\s*\(\s*""?(?<name>[A-Za-z0-9_.+-]+)", RegexOptions.CultureInvariant)]
    private static partial Regex ProjectCall();
}
