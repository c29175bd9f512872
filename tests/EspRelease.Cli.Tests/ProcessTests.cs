using System.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>The tool as a child process: what comes from the environment, and what a killed publish leaves behind.</summary>
public sealed class ProcessTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task With_SOURCE_DATE_EPOCH_and_the_key_from_the_environment_two_packs_are_byte_identical()
    {
        var key = SigningKey.Generate();
        var build = BuildDirectoryBuilder.Create(_temp, "3.1.4", appBytes: 32 * 1024);
        var environment = new Dictionary<string, string?>
        {
            ["SOURCE_DATE_EPOCH"] = "1767225600",
            [SigningKey.EnvironmentVariable] = key.ExportPkcs8Pem(),
        };

        var first = await CliRunner.RunProcess(environment, "pack", build, "--out", _temp.Combine("a"), "--factory");
        var second = await CliRunner.RunProcess(environment, "pack", build, "--out", _temp.Combine("b"), "--factory");

        Assert.True(first.Exit == 0, first.Err);
        Assert.True(second.Exit == 0, second.Err);
        Assert.Contains("created 2026-01-01 00:00:00Z", first.Out, StringComparison.Ordinal);
        Assert.DoesNotContain(key.ExportPkcs8Pem().Split('\n')[1], first.Out + first.Err, StringComparison.Ordinal);
        foreach (var file in Directory.EnumerateFiles(_temp.Combine("a"), "*", SearchOption.AllDirectories))
        {
            Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(_temp.Combine("b", Path.GetRelativePath(_temp.Combine("a"), file))));
        }
    }

    /// <summary>
    /// Kills <c>publish</c> at random moments across its whole run, many times. After every kill the
    /// channel pointer must verify and name a complete firmware whose SHA-256 matches, and a rerun
    /// must complete the publish.
    /// </summary>
    [Fact]
    public async Task A_publish_killed_at_any_point_never_leaves_a_pointer_to_a_missing_or_partial_firmware()
    {
        const int Trials = 40;
        var key = SigningKey.Generate();
        var keyFile = _temp.Combine("key.pem");
        File.WriteAllText(keyFile, key.ExportPkcs8Pem());
        var site = _temp.Combine("site");
        var host = new DirectoryHost(site);
        var releases = Enumerable.Range(0, Trials + 1).Select(i => PackRelease(key, $"1.0.{i}")).ToList();

        // Publish the first one whole, timing it: kills land anywhere in a run of that length.
        var clock = Stopwatch.StartNew();
        var baseline = await CliRunner.RunProcess(null, "publish", releases[0], "--to", site, "--key", keyFile);
        var runTime = clock.Elapsed;
        Assert.True(baseline.Exit == 0, baseline.Err);

        var random = new Random(20261125);
        var (killedBefore, killedAfter, finished) = (0, 0, 0);
        for (var i = 1; i <= Trials; i++)
        {
            var previous = (await ReleaseDirectory.VerifyChannelAsync(host, "stable", [key.PublicKey], CancellationToken.None)).Manifest.Version;
            using (var process = Process.Start(CliRunner.ProcessStart(null, "publish", releases[i], "--to", site, "--key", keyFile))!)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * runTime.TotalMilliseconds * 1.1));
                if (process.HasExited)
                {
                    finished++;
                }
                else
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }

            var now = await ReleaseDirectory.VerifyChannelAsync(host, "stable", [key.PublicKey], CancellationToken.None);
            Assert.True(now.Firmware.Valid);
            Assert.Contains(now.Manifest.Version, new[] { previous, $"1.0.{i}" });
            if (now.Manifest.Version == previous)
            {
                killedBefore++;
                var rerun = await CliRunner.RunProcess(null, "publish", releases[i], "--to", site, "--key", keyFile);
                Assert.True(rerun.Exit == 0, $"trial {i}: the publish after a kill failed: {rerun.Err}");
            }
            else
            {
                killedAfter++;
            }

            Assert.Equal($"1.0.{i}", (await ReleaseDirectory.VerifyChannelAsync(host, "stable", [key.PublicKey], CancellationToken.None)).Manifest.Version);
        }

        // The pointer only ever moved forward, one sequence per publish that got through.
        var state = await ChannelState.ReadAsync(host, "stable", [key.PublicKey], CancellationToken.None);
        Assert.Equal(Trials + 1, state.Current!.Manifest.Sequence);
        Assert.True(killedBefore > 0, $"no kill landed before the pointer was replaced ({killedAfter} after, {finished} finished); the trial timing is off");
    }

    private string PackRelease(SigningKey key, string version)
    {
        var dir = _temp.Combine("releases", version);
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: 400 * 1024),
            OutputDirectory = dir,
            Key = key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
        return dir;
    }
}
