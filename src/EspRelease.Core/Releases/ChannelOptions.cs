using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>What publish, promote and rollback share: the key that signs the new pointer and the keys trusted for the old ones.</summary>
public sealed record ChannelOptions
{
    public required SigningKey Key { get; init; }

    /// <summary>Public keys (besides <see cref="Key"/>'s) the channel's existing pointers may be signed with, e.g. during a key rotation.</summary>
    public IReadOnlyList<VerificationKey> TrustedKeys { get; init; } = [];

    public bool AllowNonSemver { get; init; }

    /// <summary>
    /// <c>publish</c> and <c>promote</c>: stage the release to this percent of the channel's devices.
    /// Null: a new release goes to every device, and the release the channel already points at keeps its rollout.
    /// </summary>
    public int? RolloutPercent { get; init; }

    /// <summary>The new pointer's creation time.</summary>
    public required DateTimeOffset Created { get; init; }

    internal IReadOnlyList<VerificationKey> AllKeys => [Key.PublicKey, .. TrustedKeys.Where(k => k.KeyId != Key.KeyId)];
}
