namespace EspRelease.Core.Manifests;

/// <summary>
/// A channel pointer's staged rollout: only devices whose bucket (see <c>RolloutCohort</c>) is below
/// <paramref name="Percent"/> take the release. The contract is in docs/manifest.md, "Staged rollout".
/// </summary>
/// <param name="Percent">0..100: 0 is halted (nobody new installs), 100 every device.</param>
/// <param name="Salt">22 base64url characters, derived from the channel and the firmware, so the cohort only grows as the percent rises.</param>
public sealed record RolloutState(int Percent, string Salt)
{
    /// <summary>The salt's length: 16 bytes as unpadded base64url.</summary>
    public const int SaltLength = 22;

    /// <summary>22 characters of A-Z, a-z, 0-9, '-' and '_' (16 bytes, unpadded base64url).</summary>
    public static bool IsSalt(string? salt) =>
        salt is { Length: SaltLength } && salt.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
