using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>
/// The contract every <see cref="IReleaseHost"/> keeps, run unchanged against each real host (a
/// folder, Azure Blob on Azurite, ...). A new host plugs in with one class:
/// <code>
/// public sealed class MyHostContractTests(MyFixture f) : ReleaseHostContract
/// {
///     protected override Func&lt;IReleaseHost&gt; CreateStore() { /* fresh, empty store */ return () =&gt; MyHost.Open(...); }
///     // only when the host is an IDeviceUrlHost (its URLs are then fetched over loopback):
///     protected override bool HasDeviceUrls =&gt; true;
///     protected override HttpClient CreateHttpClient() =&gt; ...; // e.g. one that trusts the test CA
/// }
/// </code>
/// Tests use only IReleaseHost (and IDeviceUrlHost when the host has it) and esp-release's own
/// publish, promote, rollback and verify. Host-specific behaviour (headers, credentials, SAS) is
/// tested beside this, in the host's own test class.
/// </summary>
public abstract partial class ReleaseHostContract : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private Func<IReleaseHost>? _open;
    private long _clock = 1764072000;

    /// <summary>
    /// A fresh, empty store for one test, as a way to open clients on it: every call of the returned
    /// function opens another client on the same store, as another process would.
    /// </summary>
    protected abstract Func<IReleaseHost> CreateStore();

    /// <summary>The client that fetches device URLs over loopback HTTP(S).</summary>
    protected virtual HttpClient CreateHttpClient() => new();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _temp.Dispose();
        }
    }

    /// <summary>The test's store, opened once; <see cref="OpenAnother"/> opens more clients on it.</summary>
    protected IReleaseHost Host => field ??= OpenAnother();

    protected IReleaseHost OpenAnother() => (_open ??= CreateStore())();

    protected static CancellationToken None => CancellationToken.None;

    protected IReadOnlyList<VerificationKey> Keys => [_key.PublicKey];

    /// <summary>A path in the test's own temporary folder (deleted after the test), e.g. for a folder host's root.</summary>
    protected string Scratch(string name) => _temp.Combine(name);

    protected string TempFile(byte[] content)
    {
        var path = _temp.Combine("f-" + Guid.NewGuid().ToString("n"));
        File.WriteAllBytes(path, content);
        return path;
    }

    protected ChannelOptions Options() => new() { Key = _key, Created = DateTimeOffset.FromUnixTimeSeconds(_clock++) };

    protected PackedRelease Packed(string version, int appBytes = 16 * 1024) =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: appBytes),
            OutputDirectory = _temp.Combine("rel-" + Guid.NewGuid().ToString("n")),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(Interlocked.Increment(ref _clock)),
        });

    protected Task<ChannelChange> Publish(PackedRelease release, string channel = "stable", IReleaseHost? host = null, CancellationToken cancellationToken = default) =>
        ReleasePublisher.PublishAsync(host ?? Host, release, channel, Options(), null, cancellationToken);

    protected Task<VerificationReport> Verify(string channel = "stable") =>
        ReleaseDirectory.VerifyChannelAsync(Host, channel, Keys, None);

    /// <summary>The channel's history is whole: sequences 1..n without a gap, each entry verifies, the last is the pointer.</summary>
    protected async Task<ChannelState> AssertConsistentAsync(string channel = "stable")
    {
        var state = await ChannelState.ReadAsync(Host, channel, Keys, None);
        Assert.Equal(Enumerable.Range(1, state.History.Count).Select(i => (long)i), state.History.Select(h => h.Manifest.Sequence));
        Assert.Equal(state.History[^1].Manifest.Sequence, state.Current!.Manifest.Sequence);
        foreach (var entry in state.History)
        {
            var firmware = HostLayout.Resolve(entry.Path, entry.Manifest.Firmware.Path);
            Assert.Contains(firmware, await Host.ListAsync(firmware, None));
        }

        var report = await Verify(channel);
        Assert.True(report.Firmware.Valid, $"{channel}: the pointer names a firmware that does not verify");
        return state;
    }
}
