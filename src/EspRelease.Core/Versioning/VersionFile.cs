using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.IO;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Core.Versioning;

/// <summary>
/// <c>esp-release version --write</c>: the version in the file ESP-IDF reads before <c>project()</c>
/// picks its version (esp-idf-formats §2.3), and the warnings for a file the build would ignore.
/// </summary>
public static class VersionFile
{
    public const string CMakeExtension = ".cmake";

    private const string FromConfig = "APP_PROJECT_VER_FROM_CONFIG";

    /// <summary>
    /// A <c>.cmake</c> file gets <c>set(PROJECT_VER "X")</c> for an <c>include()</c> before
    /// <c>project()</c>; anything else the bare version and a newline, as version.txt must be
    /// (ESP-IDF joins the lines of a longer file with ';').
    /// </summary>
    public static string Content(string path, string version) =>
        path.EndsWith(CMakeExtension, StringComparison.OrdinalIgnoreCase)
            ? $"# Written by `esp-release version`: include() it before project() in CMakeLists.txt.\nset(PROJECT_VER \"{version}\")\n"
            : version + "\n";

    /// <summary>Writes the file atomically (a build never reads half of it); returns its full path.</summary>
    public static string Write(string path, string version)
    {
        var full = Path.GetFullPath(path);
        AtomicFile.WriteAllBytes(full, Encoding.UTF8.GetBytes(Content(full, version)), durable: false);
        return full;
    }

    /// <summary>Why the build in the file's directory (the ESP-IDF project) would not use the version written there.</summary>
    public static IReadOnlyList<Diagnostic> IgnoredWarnings(string path)
    {
        var full = Path.GetFullPath(path);
        var project = Path.GetDirectoryName(full)!;
        var cmakeLists = Path.Combine(project, CMakeProject.FileName);
        var warnings = new List<Diagnostic>();
        var code = CMakeProject.Code(project);
        var name = Path.GetFileName(full);
        if (code is not null && name.EndsWith(CMakeExtension, StringComparison.OrdinalIgnoreCase) && !CMakeProject.Includes(code, name))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.VersionFileIgnoredByCMake, Severity.Warning,
                $"{cmakeLists}: expected an include() of {name} before project(), found none, so the build will not see the version written to {full}. Add `include(${{CMAKE_CURRENT_LIST_DIR}}/{name})` above project(), or write version.txt instead.", cmakeLists));
        }
        else if (code is not null && !name.EndsWith(CMakeExtension, StringComparison.OrdinalIgnoreCase) && CMakeProject.SetsProjectVer(code))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.VersionFileIgnoredByCMake, Severity.Warning,
                $"{cmakeLists}: sets PROJECT_VER itself, which ESP-IDF takes before any {name}, so the version written to {full} will be ignored. Remove the set(PROJECT_VER …) line, or write a .cmake file and include() it instead.", cmakeLists));
        }

        if (code is not null && SdkconfigProject.OpenUnchecked(project).Effective(FromConfig) is { Value.IsEnabled: true } setting)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.VersionFileIgnoredBySdkconfig, Severity.Warning,
                $"{setting.File}: CONFIG_{FromConfig}=y, so the app takes its version from CONFIG_APP_PROJECT_VER and the version written to {full} will be ignored. Set CONFIG_{FromConfig}=n (`esp-release sdkconfig set {FromConfig} n` or menuconfig) to use it.", setting.File));
        }

        return warnings;
    }
}
