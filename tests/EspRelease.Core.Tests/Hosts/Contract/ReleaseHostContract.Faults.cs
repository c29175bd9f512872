using System.Security.Cryptography;
using EspRelease.Core.Hosts;
using EspRelease.Core.Manifests;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>A publish that dies at every one of its writes in turn leaves the channel whole.</summary>
public abstract partial class ReleaseHostContract
{
    public enum Death
    {
        /// <summary>Before the write is sent: it never happens.</summary>
        BeforeWrite,

        /// <summary>After the write landed, before the publisher heard: it happened, nothing after it did.</summary>
        AfterWrite,

        /// <summary>The write is cancelled while it runs (Ctrl+C), and nothing after it runs.</summary>
        Cancelled,
    }

    public static TheoryData<Death> Deaths => new() { Death.BeforeWrite, Death.AfterWrite, Death.Cancelled };

    /// <summary>
    /// For N = 1, 2, ...: publish the next version through a host that dies at its Nth write, until a
    /// publish has fewer writes than N. After each death the pointer is the old one or the new one,
    /// whole (verify fetches the firmware it names), the previous release is intact, and running the
    /// same publish again completes it.
    /// </summary>
    [Theory]
    [MemberData(nameof(Deaths))]
    public async Task A_publish_killed_at_any_write_leaves_the_previous_release_intact_and_a_rerun_completes(Death death)
    {
        await Publish(Packed("1.0.0"));
        var died = 0;
        for (var n = 1; n < 20; n++)
        {
            var previous = (await Verify()).Manifest;
            var release = Packed($"1.0.{n}");
            var writes = 0;
            async Task Die(string path, Func<CancellationToken, Task> call, CancellationToken token)
            {
                if (++writes != n)
                {
                    await call(token);
                    return;
                }

                switch (death)
                {
                    case Death.BeforeWrite:
                        break;
                    case Death.AfterWrite:
                        await call(token);
                        break;
                    case Death.Cancelled:
                        using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(token))
                        {
                            cancel.CancelAfter(TimeSpan.FromMilliseconds(n % 3));
                            await call(cancel.Token).ContinueWith(_ => { }, TaskScheduler.Default); // whatever it did, the process stops here
                        }

                        break;
                }

                throw new ProcessDiedException($"write {n} ({path})");
            }

            try
            {
                await Publish(release, host: new InterceptingHost(OpenAnother(), Die));
                Assert.True(writes < n, $"write {n} should have died");
                Assert.True(died >= 5, $"a publish has only {died} writes?");
                return;
            }
            catch (ProcessDiedException)
            {
                died++;
            }

            var now = (await Verify()).Manifest;
            Assert.Contains(now.Version, new[] { previous.Version, release.Manifest.Version });
            await AssertReleaseIntactAsync(previous);

            await Publish(release);
            Assert.Equal(release.Manifest.Version, (await AssertConsistentAsync()).Current!.Manifest.Version);
        }

        Assert.Fail("a publish never ran out of writes");
    }

    private async Task AssertReleaseIntactAsync(ReleaseManifest release)
    {
        var folder = HostLayout.ReleaseFolder(release.Project, release.Version);
        var firmware = HostLayout.Resolve(HostLayout.ChannelPointer("stable"), release.Firmware.Path);
        await using var stream = (await Host.OpenReadAsync(firmware, None))!;
        Assert.Equal(release.Firmware.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(stream)));
        Assert.NotNull(await Host.ReadAsync($"{folder}/{Core.Releases.ReleaseNaming.ManifestJws}", None));
    }
}
