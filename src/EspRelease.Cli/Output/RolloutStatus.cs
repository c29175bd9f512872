using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>What <c>rollout status</c> reports: a channel's current pointer and, per device id asked about, its bucket.</summary>
internal sealed class RolloutStatus(string host, ReleaseManifest manifest, IEnumerable<string> deviceIds)
{
    public string Host { get; } = host;

    public ReleaseManifest Manifest { get; } = manifest;

    public int Percent => ChannelRollout.PercentOf(Manifest);

    /// <summary>Each id with its bucket; without a rollout member there is no salt, so no bucket, and every device is in.</summary>
    public IReadOnlyList<(string Id, int? Bucket, bool InCohort)> Devices { get; } =
        [.. deviceIds.Select(id => manifest.Rollout is { } r ? (id, (int?)RolloutCohort.Bucket(r.Salt, id), RolloutCohort.Contains(r.Salt, id, r.Percent)) : (id, null, true))];
}
