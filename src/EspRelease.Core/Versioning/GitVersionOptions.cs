using System.Globalization;
using EspRelease.Core.Diagnostics;
using Semver;

namespace EspRelease.Core.Versioning;

/// <summary>MinVer's options, with its defaults except the tag prefix (<c>v</c>: ESP-IDF projects tag <c>v1.2.3</c>).</summary>
public sealed record GitVersionOptions
{
    public const string DefaultTagPrefix = "v";

    public const string DefaultIdentifiers = "alpha.0";

    /// <summary>Only tags that start with this (any case) followed by a SemVer 2.0 version count.</summary>
    public string TagPrefix { get; init; } = DefaultTagPrefix;

    /// <summary>A lower computed version is raised to <c>Major.Minor.0-&lt;ids&gt;.&lt;height&gt;</c>; null for none.</summary>
    public (int Major, int Minor)? MinimumMajorMinor { get; init; }

    public AutoIncrement AutoIncrement { get; init; } = AutoIncrement.Patch;

    /// <summary>The pre-release identifiers after an RTM tag or without any tag, dot-separated.</summary>
    public string DefaultPreReleaseIdentifiers { get; init; } = DefaultIdentifiers;

    /// <summary>Appended as <c>+meta</c> (after a tag's own metadata, joined with a dot); null for none.</summary>
    public string? BuildMetadata { get; init; }

    /// <summary>No reachable version tag is an error instead of MinVer's default version with a warning.</summary>
    public bool RequireTag { get; init; }

    public TimeSpan Timeout { get; init; } = GitRepository.DefaultTimeout;

    /// <summary>The identifiers, split; refused (usage) unless each is a valid SemVer 2.0 pre-release identifier.</summary>
    public IReadOnlyList<string> PreReleaseIdentifiers()
    {
        if (!SemVersion.TryParse("0.0.0-" + DefaultPreReleaseIdentifiers, SemVersionStyles.Strict, out _))
        {
            throw Invalid("--default-pre-release-identifiers", DefaultPreReleaseIdentifiers, "dot-separated SemVer 2.0 pre-release identifiers such as alpha.0 or preview.0 (letters, digits and hyphens; numbers without leading zeros)");
        }

        return DefaultPreReleaseIdentifiers.Split('.');
    }

    /// <summary>Refuses (usage) metadata that is not dot-separated SemVer 2.0 build identifiers.</summary>
    public void ValidateBuildMetadata()
    {
        if (BuildMetadata is { Length: > 0 } meta && !SemVersion.TryParse("0.0.0+" + meta, SemVersionStyles.Strict, out _))
        {
            throw Invalid("--build-metadata", meta, "dot-separated SemVer 2.0 build identifiers such as build.42 (letters, digits and hyphens only)");
        }
    }

    /// <summary>Parses <c>--minimum-major-minor</c>: <c>1.2</c>, or <c>1</c> for 1.0, as MinVer takes it.</summary>
    public static (int Major, int Minor) ParseMajorMinor(string text)
    {
        var parts = text.Split('.');
        var minor = 0;
        if (parts.Length > 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || (parts.Length == 2 && !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out minor)))
        {
            throw Invalid("--minimum-major-minor", text, "MAJOR.MINOR such as 1.0 or 2.3");
        }

        return (major, minor);
    }

    /// <summary>Parses <c>--auto-increment</c>: patch, minor or major.</summary>
    public static AutoIncrement ParseAutoIncrement(string text) =>
        Enum.TryParse<AutoIncrement>(text, ignoreCase: true, out var part) && Enum.IsDefined(part) && !char.IsAsciiDigit(text[0])
            ? part
            : throw Invalid("--auto-increment", text, "patch, minor or major");

    private static EspReleaseException Invalid(string option, string value, string expected) =>
        new(DiagnosticCodes.GitOptionInvalid, $"{option}: expected {expected}, found \"{value}\". Correct the value and run the command again.", kind: FailureKind.Usage);
}
