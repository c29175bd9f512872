using EspRelease.Core.Hosts;
using EspRelease.Core.Manifests;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>One signed pointer a channel had: its manifest, where it is stored, and who signed it.</summary>
public sealed record ChannelEntry(ReleaseManifest Manifest, string Path, string KeyId, byte[] Jws);

/// <summary>
/// A channel as read from a host: the pointer devices fetch now, and its history. Every entry is
/// verified with the trusted keys before anything is decided from it.
/// </summary>
public sealed class ChannelState
{
    private ChannelState(string channel, ChannelEntry? current, string? currentTag, IReadOnlyList<ChannelEntry> history)
    {
        Channel = channel;
        Current = current;
        CurrentTag = currentTag;
        History = history;
    }

    public string Channel { get; }

    /// <summary>What devices get now; null for a channel nobody published to.</summary>
    public ChannelEntry? Current { get; }

    /// <summary>The pointer's content tag, for the conditional replace.</summary>
    public string? CurrentTag { get; }

    /// <summary>Every pointer the channel had, by sequence, including the current one.</summary>
    public IReadOnlyList<ChannelEntry> History { get; }

    /// <summary>The sequence the next pointer gets: one above any the channel ever had.</summary>
    public long NextSequence => Math.Max(Current?.Manifest.Sequence ?? 0, History.Count == 0 ? 0 : History[^1].Manifest.Sequence) + 1;

    /// <summary>
    /// The releases the channel stands on, oldest first: publish and promote push, rollback pops.
    /// The last is the current release; the one before it is where a rollback goes. Rollout and
    /// halt entries change who gets the current release, not which it is: they neither push nor pop.
    /// </summary>
    public IReadOnlyList<ChannelEntry> Stack
    {
        get
        {
            var stack = new List<ChannelEntry>();
            foreach (var entry in History.Where(e => e.Manifest.Action is not (ChannelActions.RolloutChange or ChannelActions.Halt)))
            {
                if (entry.Manifest.Action == ChannelActions.Rollback && stack.Count > 1)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
                else if (entry.Manifest.Action != ChannelActions.Rollback)
                {
                    stack.Add(entry);
                }
            }

            return stack;
        }
    }

    public static async Task<ChannelState> ReadAsync(IReleaseHost host, string channel, IReadOnlyList<VerificationKey> keys, CancellationToken cancellationToken)
    {
        var pointerPath = HostLayout.ChannelPointer(channel);
        var pointer = await host.ReadAsync(pointerPath, cancellationToken);
        var current = pointer is null ? null : Verify(host, pointerPath, pointer.Content, keys);

        var history = new List<ChannelEntry>();
        foreach (var path in await host.ListAsync(HostLayout.HistoryPrefix(channel), cancellationToken))
        {
            if (HostLayout.SequenceOf(channel, path) is null)
            {
                continue;
            }

            var entry = await host.ReadAsync(path, cancellationToken);
            if (entry is not null)
            {
                history.Add(Verify(host, path, entry.Content, keys));
            }
        }

        // The history entry is written after the pointer; a crash between the two leaves the
        // current pointer out of the history, so it is added here (and written by the next change).
        if (current is not null && history.All(h => h.Manifest.Sequence != current.Manifest.Sequence))
        {
            history.Add(current);
        }

        history.Sort((a, b) => a.Manifest.Sequence.CompareTo(b.Manifest.Sequence));
        return new ChannelState(channel, current, pointer?.Tag, history);
    }

    private static ChannelEntry Verify(IReleaseHost host, string path, byte[] content, IReadOnlyList<VerificationKey> keys)
    {
        var origin = $"{host.Display}/{path}";
        var verified = CompactJws.Verify(System.Text.Encoding.ASCII.GetString(content), keys, origin);
        return new ChannelEntry(ManifestSerializer.Deserialize(verified.Payload, origin), path, verified.Key.KeyId, content);
    }
}

/// <summary>The <c>action</c> values of channel pointers.</summary>
public static class ChannelActions
{
    public const string Publish = "publish";
    public const string Promote = "promote";
    public const string Rollback = "rollback";

    /// <summary>The same release as the pointer before, with another rollout percent.</summary>
    public const string RolloutChange = "rollout";

    /// <summary>The same release as the pointer before, rollout percent 0: nobody new installs it.</summary>
    public const string Halt = "halt";
}
