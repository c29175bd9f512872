using System.Buffers.Binary;
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
/// Azurite stopped in the middle of a publish, many times, and started again on the same data: the
/// previous release is whole, and the channel pointer never names a missing or partial firmware.
/// </summary>
public sealed class AzureBlobFaultTests(ITestOutputHelper output) : IDisposable
{
    private const int FirmwareBytes = 2 * 1024 * 1024;
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _temp.Dispose();

    /// <summary>
    /// Each trial publishes the next version of a 2 MiB firmware in 64 KiB blocks and stops Azurite at
    /// a random point: mostly while the blocks go up (at a random fraction of the bytes), sometimes
    /// after them (while the manifest and the pointer are written). Azurite gets SIGTERM, which cuts
    /// every connection and keeps what it acknowledged; SIGKILL would also lose what it acknowledged
    /// in the last 5 s (it saves its metadata on a timer), which no real Blob Storage does.
    /// </summary>
    [Fact]
    public async Task Azurite_stopped_during_a_large_upload_leaves_the_previous_release_whole_and_the_pointer_on_a_complete_firmware()
    {
        const int Trials = 12;
        await using var azurite = await Azurite.StartAsync(_temp.Combine("azurite"));
        var options = new AzureBlobHostOptions
        {
            SingleUploadLimit = 64 * 1024,
            BlockSize = 64 * 1024,
            MaxConcurrency = 2,
            MaxRetries = 1,
            RetryDelay = TimeSpan.FromMilliseconds(20),
            MaxRetryDelay = TimeSpan.FromMilliseconds(50),
            NetworkTimeout = TimeSpan.FromSeconds(10),
        };
        AzureBlobHost Host() => AzureBlobHost.Open($"azure://{Azurite.AccountName}/fault", azurite.Environment, options);
        var releases = Enumerable.Range(0, Trials + 1).Select(i => Packed($"1.0.{i}")).ToList();

        var clock = Stopwatch.StartNew();
        await Publish(Host(), releases[0], null);
        output.WriteLine($"first publish of {releases[0].Manifest.Firmware.Size} bytes in {options.BlockSize / 1024} KiB blocks: {clock.ElapsedMilliseconds} ms");

        var random = new Random(20261125);
        var (duringUpload, afterUpload, finished, moves) = (0, 0, 0, 1);
        var previous = (await Verify(Host())).Manifest;
        var restarts = TimeSpan.Zero;
        for (var i = 1; i <= Trials; i++)
        {
            var fraction = random.NextDouble() * 1.4;
            var size = releases[i].Manifest.Firmware.Size;
            var stopped = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
            var stopping = 0;
            void Stop()
            {
                if (Interlocked.Exchange(ref stopping, 1) == 0)
                {
                    stopped.SetResult(Task.Run(() => azurite.StopAsync()));
                }
            }

            IProgress<ProgressReport> trigger = fraction < 1
                ? new Trigger((long)(fraction * size), Stop)
                : new Trigger(size, () => _ = Task.Delay(TimeSpan.FromMilliseconds((fraction - 1) * 500)).ContinueWith(_ => Stop(), TaskScheduler.Default));

            Exception? failure = null;
            try
            {
                await Publish(Host(), releases[i], trigger);
            }
            catch (EspReleaseException e)
            {
                failure = e;
                Assert.Equal(FailureKind.Host, e.Kind);
                Assert.Contains(e.Diagnostic.Code, new[] { DiagnosticCodes.AzureUnreachable, DiagnosticCodes.AzureRequestFailed });
            }

            Stop();
            await await stopped.Task;
            var restart = Stopwatch.StartNew();
            await azurite.StartAsync();
            restarts += restart.Elapsed;
            var host = Host();

            // What devices see: a pointer that verifies, on the old release or the new one, never a third state.
            var now = await Verify(host);
            Assert.Contains(now.Manifest.Version, new[] { previous.Version, releases[i].Manifest.Version });
            if (now.Manifest.Version != previous.Version)
            {
                moves++;
            }

            if (failure is null)
            {
                finished++;
            }
            else if (fraction < 1)
            {
                duringUpload++;
            }
            else
            {
                afterUpload++;
            }

            // The previous release is whole: its signed manifest and its firmware, byte for byte.
            await EnsureWholeAsync(host, previous);
            previous = now.Manifest;
        }

        // The last interrupted publish, run again over what the stop left (uncommitted blocks, perhaps a committed firmware), completes.
        var last = Host();
        if ((await Verify(last)).Manifest.Version != releases[Trials].Manifest.Version)
        {
            await Publish(last, releases[Trials], null);
            moves++;
        }

        Assert.Equal(releases[Trials].Manifest.Version, (await Verify(last)).Manifest.Version);

        output.WriteLine($"{Trials} trials in {clock.Elapsed.TotalSeconds:0.0} s: {duringUpload} stopped during the upload, {afterUpload} after it, {finished} publishes finished, {moves - 1} pointer moves; Azurite restarts {restarts.TotalMilliseconds / Trials:0} ms on average");
        // Every pointer the channel had names a firmware that is there, whole: a rollback to any of them works.
        var state = await ChannelState.ReadAsync(last, "stable", [_key.PublicKey], CancellationToken.None);
        Assert.Equal(moves, state.Current!.Manifest.Sequence);
        Assert.Equal(Enumerable.Range(1, moves).Select(n => (long)n), state.History.Select(h => h.Manifest.Sequence));
        foreach (var entry in state.History)
        {
            await using var firmware = await last.OpenReadAsync(HostLayout.Resolve(entry.Path, entry.Manifest.Firmware.Path), CancellationToken.None);
            Assert.NotNull(firmware);
            Assert.Equal(entry.Manifest.Firmware.Sha256, Convert.ToHexStringLower(await SHA256.HashDataAsync(firmware)));
        }

        Assert.True(duringUpload >= Trials / 2, $"only {duringUpload} of {Trials} stops landed during the upload");
    }

    private Task<ChannelChange> Publish(AzureBlobHost host, PackedRelease release, IProgress<ProgressReport>? progress) =>
        ReleasePublisher.PublishAsync(host, release, "stable", new ChannelOptions { Key = _key, Created = release.Manifest.Created }, progress, CancellationToken.None);

    private Task<VerificationReport> Verify(AzureBlobHost host) =>
        ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None);

    private async Task EnsureWholeAsync(AzureBlobHost host, Manifests.ReleaseManifest release)
    {
        var folder = HostLayout.ReleaseFolder(release.Project, release.Version);
        var jws = await host.ReadAsync($"{folder}/{ReleaseNaming.ManifestJws}", CancellationToken.None);
        var json = await host.ReadAsync($"{folder}/{ReleaseNaming.ManifestJson}", CancellationToken.None);
        Assert.NotNull(jws);
        Assert.NotNull(json);
        var (manifest, _) = ReleaseVerifier.VerifyManifest(System.Text.Encoding.ASCII.GetString(jws.Content), folder, [_key.PublicKey], json.Content, folder);
        await using var firmware = await host.OpenReadAsync($"{folder}/{manifest.Firmware.Path}", CancellationToken.None);
        Assert.True(ReleaseVerifier.CheckFirmware(manifest, folder, firmware, $"{folder}/{manifest.Firmware.Path}").Valid);
    }

    private PackedRelease Packed(string version)
    {
        var build = BuildDirectoryBuilder.Create(_temp, version, appBytes: FirmwareBytes - 512);
        WriteWideSlots(build);
        return ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = build,
            OutputDirectory = _temp.Combine("rel-" + version),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
    }

    // The fixture's partition table has 600 KiB app slots; this one's hold 4 MiB (as build/bench.sh does).
    private static void WriteWideSlots(string buildDir)
    {
        var rows = new (byte Type, byte Subtype, uint Offset, uint Size, string Label)[]
        {
            (1, 2, 0x9000, 0x4000, "nvs"), (1, 0, 0xd000, 0x2000, "otadata"),
            (0, 0x10, 0x10000, 0x400000, "ota_0"), (0, 0x11, 0x410000, 0x400000, "ota_1"),
        };
        var table = new byte[0xC00];
        table.AsSpan().Fill(0xFF);
        var at = 0;
        foreach (var (type, subtype, offset, size, label) in rows)
        {
            var entry = table.AsSpan(at, 32);
            entry.Clear();
            entry[0] = 0xAA;
            entry[1] = 0x50;
            entry[2] = type;
            entry[3] = subtype;
            BinaryPrimitives.WriteUInt32LittleEndian(entry[4..], offset);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[8..], size);
            System.Text.Encoding.ASCII.GetBytes(label).CopyTo(entry[12..]);
            at += 32;
        }

#pragma warning disable CA5351 // The partition table format's own checksum.
        var md5 = MD5.HashData(table.AsSpan(0, at));
#pragma warning restore CA5351
        table[at] = 0xEB;
        table[at + 1] = 0xEB;
        md5.CopyTo(table, at + 16);
        File.WriteAllBytes(Path.Combine(buildDir, "partition_table", "partition-table.bin"), table);
    }

    /// <summary>Fires once, when the upload has reported at least <paramref name="at"/> bytes.</summary>
    private sealed class Trigger(long at, Action fire) : IProgress<ProgressReport>
    {
        private int _fired;

        public void Report(ProgressReport value)
        {
            if (value.Done >= at && Interlocked.Exchange(ref _fired, 1) == 0)
            {
                fire();
            }
        }
    }
}
