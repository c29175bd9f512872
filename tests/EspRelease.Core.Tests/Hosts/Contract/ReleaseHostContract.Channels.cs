using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>Channels through the real publish, promote and rollback: racing publishers, history, listing, the device URL.</summary>
public abstract partial class ReleaseHostContract
{
    /// <summary>
    /// Two publishers (two clients, as two processes) publish different versions to one channel,
    /// several rounds. Each reads the channel and uploads its release; a gate then holds each
    /// pointer replace until both are there, so both swap on the same tag: exactly one may win.
    /// </summary>
    [Fact]
    public async Task Of_two_concurrent_publishers_exactly_one_wins_and_the_loser_fails_cleanly_and_can_retry()
    {
        const int Rounds = 5;
        await Publish(Packed("1.0.0"));
        for (var round = 1; round <= Rounds; round++)
        {
            var releases = new[] { Packed($"1.{round}.1"), Packed($"1.{round}.2") };
            var arrived = 0;
            var both = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            async Task Gate(string path, Func<CancellationToken, Task> call, CancellationToken token)
            {
                if (path.StartsWith("channels/", StringComparison.Ordinal) && Interlocked.Increment(ref arrived) == 2)
                {
                    both.SetResult();
                }

                if (path.StartsWith("channels/", StringComparison.Ordinal))
                {
                    await both.Task.WaitAsync(TimeSpan.FromSeconds(30), token);
                }

                await call(token);
            }

            var outcomes = await Task.WhenAll(releases.Select(r => Task.Run(async () =>
            {
                try
                {
                    await Publish(r, host: new InterceptingHost(OpenAnother(), Gate));
                    return (EspReleaseException?)null;
                }
                catch (EspReleaseException e)
                {
                    return e;
                }
            })));

            var winners = Enumerable.Range(0, 2).Where(i => outcomes[i] is null).ToList();
            Assert.True(winners.Count == 1, $"round {round}: {winners.Count} winners ({string.Join("; ", outcomes.Select(o => o?.Message ?? "won"))})");
            var (winner, loser) = (releases[winners[0]], releases[1 - winners[0]]);
            var failure = outcomes[1 - winners[0]]!;
            Assert.Contains(failure.Diagnostic.Code, new[] { DiagnosticCodes.ConcurrentPublish, DiagnosticCodes.ImmutableConflict });
            Assert.Equal(FailureKind.Host, failure.Kind);
            Assert.Equal(winner.Manifest.Version, (await AssertConsistentAsync()).Current!.Manifest.Version);
            Assert.Equal(2 * round, (await Verify()).Manifest.Sequence);

            // The loser runs again: the higher version moves on; the lower one meets the version rule.
            if (string.CompareOrdinal(loser.Manifest.Version, winner.Manifest.Version) > 0)
            {
                Assert.Equal((2 * round) + 1, (await Publish(loser)).Manifest.Sequence);
            }
            else
            {
                var refused = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(loser));
                Assert.Equal(DiagnosticCodes.VersionNotNewer, refused.Diagnostic.Code);
                await Publish(Packed($"1.{round}.3"));
            }

            // Either way one more pointer: sequence 2r + 1 after round r.
            Assert.Equal((2 * round) + 1, (await AssertConsistentAsync()).Current!.Manifest.Sequence);
        }
    }
}
