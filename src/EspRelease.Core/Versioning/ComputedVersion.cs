using EspRelease.Core.Diagnostics;
using Semver;

namespace EspRelease.Core.Versioning;

/// <summary>The version git's history gives HEAD, and where it came from.</summary>
public sealed record ComputedVersion
{
    /// <summary>The version, e.g. <c>1.2.4-alpha.0.5</c>: only <c>[A-Za-z0-9.+-]</c>, at most 31 bytes.</summary>
    public required string Version { get; init; }

    public required SemVersion Semantic { get; init; }

    /// <summary>The tag the version comes from; null when none was reachable (MinVer's default version).</summary>
    public string? Tag { get; init; }

    /// <summary>Commits between HEAD and the tag (or the root commit) on the path MinVer follows; 0 on the tag itself.</summary>
    public int Height { get; init; }

    /// <summary>HEAD's commit; null in a repository without commits.</summary>
    public string? Commit { get; init; }

    /// <summary>The checkout is a shallow clone (then HEAD itself carries the tag, or the engine refused).</summary>
    public bool Shallow { get; init; }

    /// <summary>HEAD itself carries the version tag.</summary>
    public bool Tagged { get; init; }

    /// <summary>The top of the git work tree.</summary>
    public required string WorkTree { get; init; }

    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];
}
