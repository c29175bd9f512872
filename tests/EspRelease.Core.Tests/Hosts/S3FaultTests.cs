using System.Diagnostics;
using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;
using Xunit.Abstractions;

namespace EspRelease.Core.Tests.Hosts;

/// <summary>
/// s3rver killed (SIGKILL) in the middle of a multipart firmware upload, several times, and started
/// again on the same data and port: the publish fails with an error that says what happened, the
/// previous release stays whole and verifiable, and publishing again completes.
/// </summary>
public sealed class S3FaultTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task S3rver_killed_during_a_multipart_upload_gives_a_clear_error_and_leaves_the_previous_release_whole()
    {
        const int Trials = 3;
        await using var server = await S3rver.StartAsync(_temp.Combine("s3rver"), S3rverMode.Aws);
        var options = S3HostTests.TestOptions(server) with { MultipartThreshold = 64 * 1024, PartSize = 64 * 1024, NetworkTimeout = TimeSpan.FromSeconds(10) };
        S3Host Host() => S3Host.Open($"s3://{server.Bucket}/fault", server.Environment, options);
        var releases = Enumerable.Range(0, Trials + 1).Select(i => Packed($"1.0.{i}")).ToList();
        using (var first = Host())
        {
            await Publish(first, releases[0], null);
        }

        var clock = Stopwatch.StartNew();
        for (var i = 1; i <= Trials; i++)
        {
            // Killed on the first part's progress report: the upload is under way, the pointer untouched.
            var killed = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
            var trigger = new OnFirstReport(() => killed.TrySetResult(Task.Run(server.StopAsync)));
            using (var host = Host())
            {
                var e = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(host, releases[i], trigger));

                Assert.Equal((DiagnosticCodes.S3Unreachable, FailureKind.Host), (e.Diagnostic.Code, e.Kind));
                Assert.Contains($"{server.Endpoint}{server.Bucket}/fault/releases/blink/1.0.{i}/", e.Diagnostic.Message, StringComparison.Ordinal);
                Assert.Contains("cannot reach S3 while uploading", e.Diagnostic.Message, StringComparison.Ordinal);
                Assert.Contains("is the server running?", e.Diagnostic.Message, StringComparison.Ordinal);
            }

            await await killed.Task;
            await server.StartAsync();
            using (var after = Host())
            {
                var report = await ReleaseDirectory.VerifyChannelAsync(after, "stable", [_key.PublicKey], CancellationToken.None);
                Assert.Equal(releases[i - 1].Manifest.Version, report.Manifest.Version);
                await using var firmware = await after.OpenReadAsync(HostLayout.Resolve(HostLayout.ChannelPointer("stable"), report.Manifest.Firmware.Path), CancellationToken.None);
                Assert.Equal(report.Manifest.Firmware.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(firmware!)));
                // The interrupted firmware never became an object: parts are invisible until completed.
                Assert.DoesNotContain(await after.ListAsync($"releases/blink/1.0.{i}/", CancellationToken.None), p => p.EndsWith(".bin", StringComparison.Ordinal));

                // Publishing again over what the kill left completes.
                await Publish(after, releases[i], null);
                Assert.Equal(releases[i].Manifest.Version, (await ReleaseDirectory.VerifyChannelAsync(after, "stable", [_key.PublicKey], CancellationToken.None)).Manifest.Version);
            }
        }

        output.WriteLine($"{Trials} kills mid-upload, restarts and re-publishes in {clock.Elapsed.TotalSeconds:0.0} s");
    }

    private Task<ChannelChange> Publish(S3Host host, PackedRelease release, IProgress<ProgressReport>? progress) =>
        ReleasePublisher.PublishAsync(host, release, "stable", new ChannelOptions { Key = _key, Created = release.Manifest.Created }, progress, CancellationToken.None);

    private PackedRelease Packed(string version) => ReleasePacker.Pack(new PackOptions
    {
        BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: 500 * 1024),
        OutputDirectory = _temp.Combine("rel-" + version),
        Key = _key,
        Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
    });

    private sealed class OnFirstReport(Action fire) : IProgress<ProgressReport>
    {
        private int _fired;

        public void Report(ProgressReport value)
        {
            if (value.Stage.EndsWith(".bin", StringComparison.Ordinal) && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                fire();
            }
        }
    }
}
