using System.Numerics;
using System.Text;
using EspRelease.Core.Diagnostics;
using Semver;

namespace EspRelease.Core.Versioning;

/// <summary>
/// The release version from git, by MinVer's rules (adamralph/minver README "How it works", and
/// MinVer.Lib/Versioner.cs and Version.cs for what the README leaves open): HEAD's tag if it has
/// one, else the highest version tag met walking back from HEAD, with the number of commits since
/// it. Unlike MinVer it refuses what would make the version silently wrong in CI: a shallow clone
/// whose HEAD is not tagged, and (with <see cref="GitVersionOptions.RequireTag"/>) no tag at all.
/// </summary>
public static class GitVersioner
{
    private const string FetchFix = "in GitHub Actions give actions/checkout `fetch-depth: 0` (its default, 1, fetches one commit and no tags); elsewhere run `git fetch --tags --unshallow`";

    /// <summary>Computes HEAD's version for the work tree holding <paramref name="directory"/>.</summary>
    /// <exception cref="EspReleaseException">No git, not a work tree, a shallow clone of an untagged commit, an invalid option, or no tag when one is required.</exception>
    public static ComputedVersion Compute(string directory, GitVersionOptions options)
    {
        var identifiers = options.PreReleaseIdentifiers();
        options.ValidateBuildMetadata();
        var repo = GitRepository.Open(directory, options.Timeout);
        var dir = repo.Directory;
        var tags = VersionTags(repo.Tags, options.TagPrefix);
        var root = SemVersion.Parse("0.0.0-" + options.DefaultPreReleaseIdentifiers, SemVersionStyles.Strict);
        var selected = repo.Head is { } head ? Select(head, repo.Parents, tags, root) : null;
        var tagged = selected is { Tag: not null, Height: 0 };
        if (repo.IsShallow && !tagged)
        {
            throw new EspReleaseException(DiagnosticCodes.GitShallowClone,
                $"{dir}: expected the whole history (the version is the nearest {options.TagPrefix}<semver> tag and the commits since it), found a shallow clone whose HEAD ({Short(repo.Head)}) carries no such tag, so neither the tag nor the height can be known. Fetch the whole history: {FetchFix}; then run the command again.", dir);
        }

        var warnings = new List<Diagnostic>();
        if (selected?.Tag is null)
        {
            var ignored = repo.Tags.Where(t => TryParseTag(t.Name, options.TagPrefix) is null).Select(t => t.Name).Take(3).ToList();
            var found = repo.Head is null ? "a repository without commits" : $"no {options.TagPrefix}<semver> tag on HEAD ({Short(repo.Head)}) or any commit before it"
                + (ignored.Count > 0 ? $" (tags that are not {Quote(options.TagPrefix)} followed by SemVer 2.0 are ignored: {string.Join(", ", ignored)})" : "");
            var fix = $"Tag a release (`git tag {options.TagPrefix}0.1.0`), or fetch the tags (`git fetch --tags`; {FetchFix})";
            if (options.RequireTag)
            {
                throw new EspReleaseException(DiagnosticCodes.GitNoTag, $"{dir}: expected a version tag reachable from HEAD, found {found}. {fix}.", dir);
            }

            warnings.Add(new Diagnostic(DiagnosticCodes.GitNoTagWarning, Severity.Warning,
                $"{dir}: expected a version tag reachable from HEAD, found {found}; the version is MinVer's default 0.0.0-{options.DefaultPreReleaseIdentifiers} with the commits since the root commit. {fix}.", dir));
        }

        var text = Format(selected, identifiers, options);
        EnsureKept(text, dir, selected?.Tag);
        return new ComputedVersion
        {
            Version = text,
            Semantic = SemVersion.Parse(text, SemVersionStyles.Strict),
            Tag = selected?.Tag,
            Height = selected?.Height ?? 0,
            Commit = repo.Head,
            Shallow = repo.IsShallow,
            Tagged = tagged,
            WorkTree = repo.WorkTree,
            Warnings = warnings,
        };
    }

    /// <summary>The tags whose name is the prefix (any case) and a strict SemVer 2.0 version, by commit.</summary>
    internal static Dictionary<string, List<(string Name, SemVersion Version)>> VersionTags(IEnumerable<(string Name, string Sha)> tags, string prefix)
    {
        var byCommit = new Dictionary<string, List<(string, SemVersion)>>(StringComparer.Ordinal);
        foreach (var (name, sha) in tags)
        {
            if (TryParseTag(name, prefix) is { } version)
            {
                if (!byCommit.TryGetValue(sha, out var list))
                {
                    byCommit[sha] = list = [];
                }

                list.Add((name, version));
            }
        }

        // MinVer's order on one commit: by version, then by name (it matters only for equal precedence).
        foreach (var list in byCommit.Values)
        {
            list.Sort((a, b) => a.Item2.ComparePrecedenceTo(b.Item2) is var c and not 0 ? c : string.CompareOrdinal(a.Item1, b.Item1));
        }

        return byCommit;
    }

    /// <summary>
    /// MinVer's walk (Versioner.GetCandidates): depth first from HEAD, first parent first, each commit
    /// once at the height of the first path that reached it; a tagged commit ends its path, and a
    /// parentless untagged one gives the default version. The highest version wins; of equals, the
    /// first found.
    /// </summary>
    internal static Candidate? Select(string head, IReadOnlyDictionary<string, string[]> parents, Dictionary<string, List<(string Name, SemVersion Version)>> tags, SemVersion rootVersion)
    {
        Candidate? best = null;
        var stack = new Stack<(string Sha, int Height)>();
        stack.Push((head, 0));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (stack.TryPop(out var item))
        {
            if (!seen.Add(item.Sha))
            {
                continue;
            }

            if (tags.TryGetValue(item.Sha, out var onCommit))
            {
                foreach (var (name, version) in onCommit)
                {
                    best = Better(best, new Candidate(name, version, item.Height));
                }

                continue;
            }

            var commitParents = parents.TryGetValue(item.Sha, out var p) ? p : [];
            if (commitParents.Length == 0)
            {
                best = Better(best, new Candidate(null, rootVersion, item.Height));
                continue;
            }

            for (var i = commitParents.Length - 1; i >= 0; i--)
            {
                stack.Push((commitParents[i], item.Height + 1));
            }
        }

        return best;
    }

    // Only a strictly higher version displaces the one found first (MinVer: by version, then lowest index).
    private static Candidate Better(Candidate? best, Candidate next) =>
        best is null || next.Version.ComparePrecedenceTo(best.Version) > 0 ? next : best;

    /// <summary>The version a tag names: the prefix (any case, as MinVer matches it), then strict SemVer 2.0; null otherwise.</summary>
    internal static SemVersion? TryParseTag(string name, string prefix) =>
        name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && SemVersion.TryParse(name[prefix.Length..], SemVersionStyles.Strict, out var version)
            ? version
            : null;

    /// <summary>MinVer's Version.WithHeight, AddBuildMetadata and Satisfying, in that order.</summary>
    private static string Format(Candidate? selected, IReadOnlyList<string> identifiers, GitVersionOptions options)
    {
        var tag = selected?.Tag is null ? null : selected.Version;
        var height = selected?.Height ?? 0;
        BigInteger major = tag?.Major ?? 0, minor = tag?.Minor ?? 0, patch = tag?.Patch ?? 0;
        IReadOnlyList<string> pre = tag is null ? identifiers : tag.PrereleaseIdentifiers.Select(i => i.Value).ToList();
        var metadata = tag?.Metadata ?? "";
        if (tag is not null && !tag.IsPrerelease && height > 0)
        {
            (major, minor, patch) = options.AutoIncrement switch
            {
                AutoIncrement.Major => (major + 1, BigInteger.Zero, BigInteger.Zero),
                AutoIncrement.Minor => (major, minor + 1, BigInteger.Zero),
                _ => (major, minor, patch + 1),
            };
            pre = identifiers;
        }

        // A tag's own metadata describes the tagged commit, not the ones after it.
        metadata = height == 0 ? metadata : "";
        if (!string.IsNullOrEmpty(options.BuildMetadata))
        {
            metadata = metadata.Length > 0 ? metadata + "." + options.BuildMetadata : options.BuildMetadata;
        }

        // The minimum is ignored on a tagged commit: a tag says exactly what the version is.
        if (options.MinimumMajorMinor is { } min && !(selected?.Tag is not null && height == 0)
            && (min.Major > major || (min.Major == major && min.Minor > minor)))
        {
            (major, minor, patch, pre) = (min.Major, min.Minor, BigInteger.Zero, identifiers);
        }

        var text = new StringBuilder().Append(major).Append('.').Append(minor).Append('.').Append(patch);
        IReadOnlyList<string> release = height > 0 ? [.. pre, height.ToString(System.Globalization.CultureInfo.InvariantCulture)] : pre;
        if (release.Count > 0)
        {
            text.Append('-').AppendJoin('.', release);
        }

        if (metadata.Length > 0)
        {
            text.Append('+').Append(metadata);
        }

        return text.ToString();
    }

    private static void EnsureKept(string version, string dir, string? tag)
    {
        // SemVer's alphabet is already [0-9A-Za-z.+-]: what is left to check is the descriptor's 31 bytes.
        try
        {
            VersionRules.EnsureKept(version, dir);
        }
        catch (EspReleaseException e)
        {
            throw new EspReleaseException(e.Diagnostic.Code,
                $"{dir}: the version computed from git{(tag is null ? "" : $" (tag {tag})")} is \"{version}\", {Encoding.UTF8.GetByteCount(version)} bytes, but the app descriptor keeps {VersionRules.MaxVersionBytes}. Use a shorter tag, --default-pre-release-identifiers or --build-metadata.", dir);
        }
    }

    private static string Short(string? sha) => sha is null ? "no commit" : sha[..Math.Min(7, sha.Length)];

    private static string Quote(string prefix) => prefix.Length == 0 ? "nothing" : $"\"{prefix}\"";

    internal sealed record Candidate(string? Tag, SemVersion Version, int Height);
}
