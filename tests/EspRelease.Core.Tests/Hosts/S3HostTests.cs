using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts;

[CollectionDefinition(Name)]
public sealed class S3rverTestGroup : ICollectionFixture<S3rverFixture>
{
    public const string Name = "s3rver";
}

/// <summary>
/// The S3 host on a real s3rver over HTTPS (SigV4 on every request): publish and verify, create-only
/// release files, the pointer replaced only on its ETag, multipart uploads with progress, and a
/// server that ignores conditional writes (s3rver as shipped) detected and handled.
/// </summary>
[Collection(S3rverTestGroup.Name)]
public sealed class S3HostTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly S3rverFixture _fixture;
    private readonly string _prefix = $"t-{Guid.NewGuid():n}";
    private long _clock = 1764072000;

    public S3HostTests(S3rverFixture fixture) => _fixture = fixture;

    public void Dispose() => _temp.Dispose();

    internal static S3HostOptions TestOptions(S3rver server, bool unconditional = false) => new()
    {
        Endpoint = server.Endpoint,
        PathStyle = true,
        MaxRetries = 1,
        UnconditionalWrites = unconditional,
        MultipartThreshold = 6 * 1024 * 1024,
        PartSize = 5 * 1024 * 1024,
        EndpointSource = "AWS_ENDPOINT_URL_S3",
    };

    private S3Host Open(S3rver? server = null, S3HostOptions? options = null, Func<string, string?>? environment = null)
    {
        server ??= _fixture.Aws;
        return S3Host.Open($"s3://{server.Bucket}/{_prefix}", environment ?? server.Environment, options ?? TestOptions(server));
    }

    private ChannelOptions Options() => new() { Key = _key, Created = DateTimeOffset.FromUnixTimeSeconds(_clock++) };

    private PackedRelease Packed(string version, int appBytes = 64 * 1024) =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: appBytes),
            OutputDirectory = _temp.Combine("rel-" + Guid.NewGuid().ToString("n")),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(_clock++),
        });

    [Fact]
    public async Task SigV4_signed_requests_publish_a_release_that_verifies_with_the_headers_the_Azure_host_sets()
    {
        using var host = Open();
        var change = await ReleasePublisher.PublishAsync(host, Packed("1.0.0"), "stable", Options(), null, CancellationToken.None);
        var report = await ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None);

        Assert.Equal("1.0.0", report.Manifest.Version);
        var firmware = HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path);
        var head = await host.Client.GetObjectMetadataAsync(_fixture.Aws.Bucket, $"{_prefix}/{firmware}");
        Assert.Equal(("application/octet-stream", AzureBlobHost.ImmutableCacheControl), (head.Headers.ContentType, head.Headers.CacheControl));
        Assert.Equal(change.Manifest.Firmware.Sha256, head.Metadata[S3Host.Sha256Metadata]);
        var pointer = await host.Client.GetObjectMetadataAsync(_fixture.Aws.Bucket, $"{_prefix}/{change.PointerPath}");
        Assert.Equal(AzureBlobHost.PointerCacheControl, pointer.Headers.CacheControl);
        Assert.Contains("releases/blink/1.0.0/manifest.json", await host.ListAsync("releases/", CancellationToken.None));
        Assert.Empty(host.Warnings);
    }

    [Fact]
    public async Task A_wrong_secret_is_refused_with_a_clear_error_that_never_shows_the_secret()
    {
        const string secret = "wrong-secret-0123456789abcdefABCDEF";
        using var host = Open(environment: name => name == "AWS_SECRET_ACCESS_KEY" ? secret : _fixture.Aws.Environment(name));

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => host.ListAsync("channels/", CancellationToken.None));

        Assert.Equal((DiagnosticCodes.S3CredentialsInvalid, FailureKind.Host), (e.Diagnostic.Code, e.Kind));
        Assert.Contains("S3 answered 403 SignatureDoesNotMatch while listing", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, e.Diagnostic.Message + e.Diagnostic.File, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(S3rverMode.Aws)]
    [InlineData(S3rverMode.Plain)]
    public async Task Release_files_are_create_only_on_a_service_that_honours_conditions_and_on_one_that_does_not(S3rverMode mode)
    {
        using var host = Open(mode == S3rverMode.Aws ? _fixture.Aws : _fixture.Plain);

        Assert.True(await host.CreateAsync("releases/a/1/x.json", "one"u8.ToArray(), CancellationToken.None));
        Assert.False(await host.CreateAsync("releases/a/1/x.json", "one"u8.ToArray(), CancellationToken.None));
        var e = await Assert.ThrowsAsync<EspReleaseException>(() => host.CreateAsync("releases/a/1/x.json", "two"u8.ToArray(), CancellationToken.None));

        Assert.Equal(DiagnosticCodes.ImmutableConflict, e.Diagnostic.Code);
        Assert.Equal("one"u8.ToArray(), (await host.ReadAsync("releases/a/1/x.json", CancellationToken.None))!.Content);
        var stored = await host.Client.GetObjectMetadataAsync(host.Address.Bucket, $"{_prefix}/releases/a/1/x.json");
        Assert.Equal("application/json", stored.Headers.ContentType);
    }

    [Fact]
    public async Task The_create_only_guard_is_the_service_own_where_it_honours_If_None_Match()
    {
        // Another tool writes the object between this host's HEAD and its PUT: only the service's condition can catch that.
        using var host = Open();
        await host.CreateAsync("releases/a/1/y.bin", "first"u8.ToArray(), CancellationToken.None);
        var put = new PutObjectRequest { BucketName = host.Address.Bucket, Key = $"{_prefix}/releases/a/1/y.bin", ContentBody = "second", IfNoneMatch = "*" };

        var refused = await Assert.ThrowsAsync<AmazonS3Exception>(() => host.Client.PutObjectAsync(put));

        Assert.Equal((412, "PreconditionFailed"), ((int)refused.StatusCode, refused.ErrorCode));
    }

    [Fact]
    public async Task The_pointer_is_replaced_only_on_its_ETag_and_of_concurrent_replaces_exactly_one_wins_every_round()
    {
        using var host = Open();
        await host.ReplaceAsync("channels/race.jws", "v0"u8.ToArray(), null, CancellationToken.None);
        await Assert.ThrowsAsync<EspReleaseException>(() => host.ReplaceAsync("channels/race.jws", "again"u8.ToArray(), null, CancellationToken.None));

        for (var round = 1; round <= 5; round++)
        {
            var tag = (await host.ReadAsync("channels/race.jws", CancellationToken.None))!.Tag;
            var contenders = Enumerable.Range(0, 6).Select(i => Open()).ToList();
            var results = await Task.WhenAll(contenders.Select((h, i) => Outcome(h.ReplaceAsync("channels/race.jws", System.Text.Encoding.UTF8.GetBytes($"round {round} writer {i}"), tag, CancellationToken.None))));
            contenders.ForEach(h => h.Dispose());

            Assert.Single(results, r => r is null);
            Assert.All(results.Where(r => r is not null), r => Assert.Equal(DiagnosticCodes.ConcurrentPublish, r));
            var winner = Array.IndexOf(results, null);
            Assert.Equal($"round {round} writer {winner}", System.Text.Encoding.UTF8.GetString((await host.ReadAsync("channels/race.jws", CancellationToken.None))!.Content));
        }
    }

    [Fact]
    public async Task A_service_that_ignores_conditional_writes_is_detected_and_the_pointer_is_not_replaced_without_the_opt_in()
    {
        using var host = Open(_fixture.Plain);

        var e = await Assert.ThrowsAsync<EspReleaseException>(() => host.ReplaceAsync("channels/stable.jws", "v1"u8.ToArray(), null, CancellationToken.None));

        Assert.Equal((DiagnosticCodes.S3ConditionalWritesIgnored, FailureKind.Host), (e.Diagnostic.Code, e.Kind));
        Assert.Contains("ignores conditional writes", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("--s3-unconditional-writes", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Null(await host.ReadAsync("channels/stable.jws", CancellationToken.None));
    }

    [Fact]
    public async Task With_the_opt_in_the_pointer_is_replaced_with_a_warning_and_a_stale_tag_is_still_refused()
    {
        using var host = Open(_fixture.Plain, TestOptions(_fixture.Plain, unconditional: true));

        await host.ReplaceAsync("channels/stable.jws", "v1"u8.ToArray(), null, CancellationToken.None);
        var tag = (await host.ReadAsync("channels/stable.jws", CancellationToken.None))!.Tag;
        await host.ReplaceAsync("channels/stable.jws", "v2"u8.ToArray(), tag, CancellationToken.None);
        var stale = await Assert.ThrowsAsync<EspReleaseException>(() => host.ReplaceAsync("channels/stable.jws", "v3"u8.ToArray(), tag, CancellationToken.None));

        Assert.Equal(DiagnosticCodes.ConcurrentPublish, stale.Diagnostic.Code);
        Assert.Equal("v2"u8.ToArray(), (await host.ReadAsync("channels/stable.jws", CancellationToken.None))!.Content);
        Assert.Equal(2, host.Warnings.Count);
        Assert.All(host.Warnings, w => Assert.Equal((DiagnosticCodes.S3UnconditionalWrite, Severity.Warning), (w.Code, w.Severity)));
    }

    [Fact]
    public async Task A_file_above_the_threshold_goes_up_in_parts_with_progress_and_comes_back_identical()
    {
        using var host = Open();
        var file = _temp.Combine("big.bin");
        var bytes = RandomNumberGenerator.GetBytes(12 * 1024 * 1024 + 123);
        await File.WriteAllBytesAsync(file, bytes);
        var reports = new List<ProgressReport>();

        Assert.True(await host.CreateAsync("releases/big/1/big.bin", file, Convert.ToHexStringLower(SHA256.HashData(bytes)), new SyncProgress(reports.Add), CancellationToken.None));

        Assert.Equal([5 * 1024 * 1024, 10 * 1024 * 1024, bytes.Length], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(bytes.Length, r.Total));
        await using var back = (await host.OpenReadAsync("releases/big/1/big.bin", CancellationToken.None))!;
        Assert.Equal(SHA256.HashData(bytes), await SHA256.HashDataAsync(back));
        Assert.False(await host.CreateAsync("releases/big/1/big.bin", file, Convert.ToHexStringLower(SHA256.HashData(bytes)), null, CancellationToken.None));
    }

    private static async Task<string?> Outcome(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (EspReleaseException e)
        {
            return e.Diagnostic.Code;
        }
    }

    /// <summary>Reports on the caller's thread, in order (Progress&lt;T&gt; posts to the thread pool).</summary>
    internal sealed class SyncProgress(Action<ProgressReport> report) : IProgress<ProgressReport>
    {
        public void Report(ProgressReport value) => report(value);
    }
}
