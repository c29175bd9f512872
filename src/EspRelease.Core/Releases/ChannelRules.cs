using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Manifests;
using EspRelease.Core.Versioning;

namespace EspRelease.Core.Releases;

/// <summary>The rules a channel's next release must meet against its current one.</summary>
internal static class ChannelRules
{
    /// <summary>A channel serves one product on one chip; anything else would be refused by every device on it.</summary>
    public static void EnsureSameProduct(ReleaseManifest current, ReleaseManifest next, string channel)
    {
        if (current.Project != next.Project || current.ChipId != next.ChipId)
        {
            throw new EspReleaseException(DiagnosticCodes.ChannelProductMismatch,
                $"channel '{channel}': serves {current.Project} for {current.Chip}, but this release is {next.Project} for {next.Chip}. Devices on the channel would reject it. Publish it to its own host or folder (one product per host), or pick another channel name.");
        }
    }

    public static IReadOnlyList<Diagnostic> EnsureMovesForward(ReleaseManifest current, ReleaseManifest next, string channel, bool allowNonSemver) =>
        VersionRules.EnsureMovesForward(
            ReleaseVersion.Parse(next.Version), next.SecureVersion,
            ReleaseVersion.Parse(current.Version), current.SecureVersion,
            Chips.FromId(next.ChipId) ?? throw new EspReleaseException(DiagnosticCodes.UnknownChip, $"channel '{channel}': the release names chip id {next.ChipId}, which esp-release does not know."),
            channel, allowNonSemver);
}
