using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;

namespace EspRelease.Core.Versioning;

/// <summary>
/// <c>pack --version git</c> (or <c>"version": "git"</c>): the version CI expects is the one git gives
/// the project's HEAD, computed by <see cref="GitVersioner"/> with a tag required. The image may hold
/// it as written by <c>esp-release version --write</c>, or as ESP-IDF's own <c>git describe</c> of the
/// same commit (<c>v1.2.3-4-gabc1234</c>, which <see cref="ReleaseVersion"/> maps to 1.2.4-alpha.0.4).
/// </summary>
public static class GitExpectedVersion
{
    public const string Keyword = "git";

    public static bool IsRequested(string? expected) => string.Equals(expected, Keyword, StringComparison.OrdinalIgnoreCase);

    /// <summary>Where git runs: project_description.json's project_path when it is on this machine, else the build directory (inside the project in the usual layout).</summary>
    public static string ProjectDirectory(string buildDir, ProjectDescription project) =>
        project.ProjectPath is { Length: > 0 } path && Directory.Exists(path) ? path : buildDir;

    /// <summary>Refuses (ESPR1403) an image whose version is not the one git gives HEAD; returns warnings.</summary>
    /// <exception cref="EspReleaseException">The versions differ, or git cannot give one (see <see cref="GitVersioner.Compute"/>).</exception>
    public static IReadOnlyList<Diagnostic> Ensure(ReleaseVersion actual, string projectDirectory, string imageFile, GitVersionOptions? options = null)
    {
        var computed = GitVersioner.Compute(projectDirectory, (options ?? new GitVersionOptions()) with { RequireTag = true });
        if (!Matches(actual, computed))
        {
            var from = computed.Tagged ? $"tag {computed.Tag}" : $"tag {computed.Tag}, {computed.Height} commit(s) after it";
            throw new EspReleaseException(DiagnosticCodes.VersionNotExpected,
                $"{imageFile}: the image's version is \"{actual.Text}\" but git gives HEAD ({computed.Commit?[..7]}) of {computed.WorkTree} the version \"{computed.Version}\" ({from}; --version git), so the image was built from another commit or another version. Run `dotnet esp-release version --write version.txt` in the project directory before `idf.py build` (or build and pack at the same commit), then pack.", imageFile);
        }

        var warnings = computed.Warnings.ToList();
        if (actual.FromGitDescribe && actual.Text.EndsWith("-dirty", StringComparison.Ordinal))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.VersionFromDirtyTree, Severity.Warning,
                $"{imageFile}: the image's version \"{actual.Text}\" says the work tree had uncommitted changes when it was built, so the release is not exactly commit {computed.Commit?[..7]}. Commit (or discard) the changes and rebuild for a release anyone can rebuild.", imageFile));
        }

        return warnings;
    }

    /// <summary>
    /// The same text (a leading v ignored), or <c>git describe</c> output of the same commit: equal
    /// precedence, and its abbreviated hash, when it has one, a prefix of HEAD's (the same height on
    /// another branch is another build).
    /// </summary>
    internal static bool Matches(ReleaseVersion actual, ComputedVersion computed)
    {
        if (actual.Matches(computed.Version))
        {
            return true;
        }

        if (!actual.FromGitDescribe || actual.Semantic is not { } semantic || semantic.ComparePrecedenceTo(computed.Semantic) != 0)
        {
            return false;
        }

        var hash = semantic.MetadataIdentifiers.Select(i => i.Value).FirstOrDefault(i => i.Length > 1 && i[0] == 'g');
        return hash is null || (computed.Commit?.StartsWith(hash[1..], StringComparison.Ordinal) ?? false);
    }
}
