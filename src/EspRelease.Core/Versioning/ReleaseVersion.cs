using System.Text.RegularExpressions;
using Semver;

namespace EspRelease.Core.Versioning;

/// <summary>
/// A release's version: exactly the text in the app descriptor (what the device compares), and,
/// when it is one, the semantic version it stands for. <c>git describe</c> output is understood:
/// <c>v1.2.3-4-gabc1234</c> (four commits after the tag) becomes <c>1.2.4-alpha.0.4+gabc1234</c>,
/// MinVer's convention, so it sorts after 1.2.3 and before 1.2.4.
/// </summary>
public sealed partial class ReleaseVersion
{
    private ReleaseVersion(string text, SemVersion? semantic, bool fromGitDescribe)
    {
        Text = text;
        Semantic = semantic;
        FromGitDescribe = fromGitDescribe;
    }

    /// <summary>The version exactly as the image holds it.</summary>
    public string Text { get; }

    /// <summary>The semantic version used for ordering; null when <see cref="Text"/> is not semver.</summary>
    public SemVersion? Semantic { get; }

    /// <summary>True when <see cref="Text"/> had the <c>git describe</c> shape and was mapped.</summary>
    public bool FromGitDescribe { get; }

    public bool IsSemantic => Semantic is not null;

    public static ReleaseVersion Parse(string text)
    {
        // Checked before plain semver: "1.2.3-4-gabc1234" is valid semver too, but as a pre-release of 1.2.3 it would sort before it.
        var describe = GitDescribe().Match(text);
        if (describe.Success && (describe.Groups["height"].Success || describe.Groups["dirty"].Success) && TryParseSemver(describe.Groups["tag"].Value) is { } tag)
        {
            var metadata = new List<string>();
            if (describe.Groups["hash"].Success)
            {
                metadata.Add("g" + describe.Groups["hash"].Value);
            }

            if (describe.Groups["dirty"].Success)
            {
                metadata.Add("dirty");
            }

            var semantic = tag;
            if (describe.Groups["height"].Success)
            {
                var height = describe.Groups["height"].Value;
                semantic = tag.IsPrerelease
                    ? tag.WithPrereleaseParsedFrom(tag.Prerelease + "." + height)
                    : tag.WithPatch(tag.Patch + 1).WithPrereleaseParsedFrom("alpha.0." + height);
            }

            return new ReleaseVersion(text, semantic.WithMetadata(metadata), fromGitDescribe: true);
        }

        if (TryParseSemver(text) is { } plain)
        {
            return new ReleaseVersion(text, plain, fromGitDescribe: false);
        }

        return new ReleaseVersion(text, null, fromGitDescribe: false);
    }

    /// <summary>Precedence order (build metadata ignored); null when either side is not semver.</summary>
    public int? CompareTo(ReleaseVersion other) =>
        Semantic is null || other.Semantic is null ? null : Semantic.ComparePrecedenceTo(other.Semantic);

    /// <summary>True when <paramref name="expected"/> names this version; a leading <c>v</c> on either side is ignored (CI tags are often <c>v1.2.3</c>).</summary>
    public bool Matches(string expected) =>
        string.Equals(StripV(expected), StripV(Text), StringComparison.Ordinal);

    public override string ToString() => Text;

    private static string StripV(string s) => s.Length > 1 && s[0] is 'v' or 'V' && char.IsAsciiDigit(s[1]) ? s[1..] : s;

    private static SemVersion? TryParseSemver(string text) =>
        SemVersion.TryParse(text, SemVersionStyles.AllowV, out var v) ? v : null;

    // <tag>-<height>-g<hash>[-dirty] or <tag>-dirty, as `git describe --tags --dirty` (ESP-IDF's PROJECT_VER default) prints them.
    [GeneratedRegex(@"^(?<tag>.+?)(?:-(?<height>\d+)-g(?<hash>[0-9a-f]{4,40}))?(?<dirty>-dirty)?$", RegexOptions.CultureInvariant)]
    private static partial Regex GitDescribe();

}
