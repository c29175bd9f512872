using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Amazon.S3;
using Amazon.S3.Model;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>
/// An S3 bucket (or a prefix in one) as a host: AWS S3 or an S3-compatible service (--s3-endpoint).
/// Release files are created with <c>If-None-Match: *</c> and their SHA-256 stored as
/// <c>x-amz-meta-sha256</c>, so an identical re-publish is a no-op and other bytes are refused; the
/// channel pointer is one PUT conditioned on the ETag it had when read (<c>If-Match</c>), so of two
/// concurrent publishers exactly one wins. A service that ignores those conditions is detected
/// (<see cref="S3ConditionalWrites"/>): create-only then falls back to HEAD before PUT, and pointers
/// are replaced only when the user vouches that one publisher runs at a time.
/// </summary>
public sealed class S3Host : IDeviceUrlHost, IHostWarnings, IDisposable
{
    /// <summary>User metadata holding the content's SHA-256 (lowercase hex): sent as x-amz-meta-sha256.</summary>
    public const string Sha256Metadata = "sha256";

    /// <summary>Where the host keeps its own objects under the prefix (the conditional-write probe); never listed.</summary>
    internal const string InternalFolder = ".esp-release/";

    private readonly AmazonS3Client _client;
    private readonly S3Uploads _uploads;
    private readonly S3ConditionalWrites _conditions;
    private readonly List<Diagnostic> _warnings = [];

    internal S3Host(AmazonS3Client client, S3Address address, S3HostOptions options, string credential, X509Certificate2Collection? roots = null)
    {
        TrustedRoots = roots;
        _client = client;
        Address = address;
        Options = options;
        Credential = credential;
        BucketUrl = BucketUri(options, address.Bucket);
        Display = BucketUrl.AbsoluteUri.TrimEnd('/') + (address.Prefix.Length == 0 ? "" : "/" + address.Prefix);
        _uploads = new S3Uploads(client, address.Bucket, options);
        _conditions = new S3ConditionalWrites(client, address, Url);
    }

    /// <summary>The bucket's URL (and prefix), as a device would reach it: never a secret.</summary>
    public string Display { get; }

    public S3Address Address { get; }

    public S3HostOptions Options { get; }

    /// <summary>Which kind of credential signs the requests (for messages; never the credential itself).</summary>
    public string Credential { get; }

    /// <summary>The bucket's base URL: path-style (https://endpoint/bucket/) or virtual-hosted (https://bucket.endpoint/).</summary>
    public Uri BucketUrl { get; }

    internal AmazonS3Client Client => _client;

    /// <summary>The extra CAs the endpoint is trusted with (the anonymous-read check uses them too).</summary>
    internal X509Certificate2Collection? TrustedRoots { get; }

    /// <summary>What this host warned about so far (writes made without a condition); channel changes carry them.</summary>
    public IReadOnlyList<Diagnostic> Warnings
    {
        get
        {
            lock (_warnings)
            {
                return [.. _warnings];
            }
        }
    }

    /// <summary>Opens <c>s3://&lt;bucket&gt;[/&lt;prefix&gt;]</c> with the endpoint and credentials from <paramref name="environment"/>.</summary>
    /// <param name="address">The host address.</param>
    /// <param name="environment">Reads an environment variable (default: the process's).</param>
    /// <param name="options">Endpoint, transfer and retry settings; default: <see cref="S3HostOptions.FromEnvironment"/>.</param>
    public static S3Host Open(string address, Func<string, string?>? environment = null, S3HostOptions? options = null)
    {
        var parsed = S3Address.Parse(address);
        environment ??= Environment.GetEnvironmentVariable;
        options ??= S3HostOptions.FromEnvironment(environment);
        var (client, credential, roots) = S3Connection.Connect(environment, options);
        return new S3Host(client, parsed, options, credential, roots);
    }

    public Task<HostObject?> ReadAsync(string path, CancellationToken cancellationToken) =>
        GuardAsync(path, "reading", async () =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(Address.Bucket, Key(path), cancellationToken);
                using var buffer = new MemoryStream();
                await response.ResponseStream.CopyToAsync(buffer, cancellationToken);
                return new HostObject(buffer.ToArray(), response.ETag);
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return null;
            }
        }, cancellationToken);

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken) =>
        GuardAsync(path, "downloading", () => HostFiles.DownloadToTemporaryAsync(async file =>
        {
            try
            {
                using var response = await _client.GetObjectAsync(Address.Bucket, Key(path), cancellationToken);
                await response.ResponseStream.CopyToAsync(file, cancellationToken);
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
            {
                return false;
            }
        }), cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        GuardAsync(prefix, "listing", async () =>
        {
            var found = new List<string>();
            var request = new ListObjectsV2Request { BucketName = Address.Bucket, Prefix = Address.Key(prefix) };
            do
            {
                var page = await _client.ListObjectsV2Async(request, cancellationToken);
                // The conditional-write probe is the host's own bookkeeping, not a release file.
                found.AddRange((page.S3Objects ?? []).Select(o => Address.PathOf(o.Key)).Where(p => !p.StartsWith(InternalFolder, StringComparison.Ordinal)));
                request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
            }
            while (request.ContinuationToken is not null);

            found.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)found;
        }, cancellationToken);

    public Task<bool> CreateAsync(string path, string localFile, string sha256, IProgress<ProgressReport>? progress, CancellationToken cancellationToken) =>
        GuardAsync(path, "uploading", () => CreateCoreAsync(path, sha256, (key, headers) => _uploads.UploadFileAsync(key, localFile, headers, progress is null ? null : new ProgressRelay(progress, $"upload {path}"), cancellationToken), cancellationToken), cancellationToken);

    public Task<bool> CreateAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        GuardAsync(path, "uploading", () => CreateCoreAsync(path, Convert.ToHexStringLower(SHA256.HashData(content)), (key, headers) => _uploads.PutAsync(key, content, headers, cancellationToken), cancellationToken), cancellationToken);

    public Task ReplaceAsync(string path, byte[] content, string? expectedTag, CancellationToken cancellationToken) =>
        GuardAsync(path, "replacing", async () =>
        {
            var headers = Headers(path, Convert.ToHexStringLower(SHA256.HashData(content)));
            if (!await _conditions.HonouredAsync(cancellationToken))
            {
                return await ReplaceUnconditionallyAsync(path, content, expectedTag, headers, cancellationToken);
            }

            headers = expectedTag is null ? headers with { IfNoneMatch = "*" } : headers with { IfMatch = expectedTag };
            try
            {
                await _uploads.PutAsync(Key(path), content, headers, cancellationToken);
            }
            catch (AmazonS3Exception e) when (S3ConditionalWrites.IsConditionFailure(e))
            {
                // A retry whose first try did land (its answer lost) meets its own write: that is success.
                if (await ReadAsync(path, cancellationToken) is { } now && now.Content.AsSpan().SequenceEqual(content))
                {
                    return 0;
                }

                throw HostFiles.Changed(Url(path));
            }

            return 0;
        }, cancellationToken);

    public void Dispose() => _client.Dispose();

    /// <summary>The object's URL (no query): what messages name.</summary>
    public string Url(string path) => $"{Display}/{path}";

    /// <summary>The object key of a host path, checked.</summary>
    internal string Key(string path) => Address.Key(HostFiles.CheckPath(path));

    private async Task<bool> CreateCoreAsync(string path, string sha256, Func<string, S3Uploads.Headers, Task> upload, CancellationToken cancellationToken)
    {
        // HEAD first in every case: an identical re-publish costs no upload, and on a service that
        // ignores If-None-Match it is the only guard there is (the race window is HEAD to PUT).
        if (await StoredSha256Async(path, cancellationToken) is { } stored)
        {
            return SameOrConflict(path, stored, sha256);
        }

        var honoured = await _conditions.HonouredAsync(cancellationToken);
        try
        {
            // Sent even where ignored: harmless there, and the guard the day the service honours it.
            await upload(Key(path), Headers(path, sha256) with { IfNoneMatch = "*" });
            return true;
        }
        catch (AmazonS3Exception e) when (honoured && S3ConditionalWrites.IsConditionFailure(e))
        {
            // Created by someone else (or by this upload's first try) since the HEAD: same rules.
            return SameOrConflict(path, await StoredSha256Async(path, cancellationToken) ?? "(unknown)", sha256);
        }
    }

    private async Task<int> ReplaceUnconditionallyAsync(string path, byte[] content, string? expectedTag, S3Uploads.Headers headers, CancellationToken cancellationToken)
    {
        if (!Options.UnconditionalWrites)
        {
            throw _conditions.Refusal(Url(path));
        }

        // The best this service allows: check the tag just before the write. Another publisher can
        // still slip in between, which is what the user vouched cannot happen.
        var current = await ReadAsync(path, cancellationToken);
        if (current?.Tag != expectedTag && !(current is not null && current.Content.AsSpan().SequenceEqual(content)))
        {
            throw HostFiles.Changed(Url(path));
        }

        await _uploads.PutAsync(Key(path), content, headers, cancellationToken);
        lock (_warnings)
        {
            _warnings.Add(new Diagnostic(DiagnosticCodes.S3UnconditionalWrite, Severity.Warning,
                $"{Url(path)}: replaced without a condition (--s3-unconditional-writes), because {Display} ignores If-Match: had another publisher written it in the same moment, one of the two writes would be lost without an error. Keep publishes to this channel in one queue (e.g. a CI concurrency group).", Url(path)));
        }

        return 0;
    }

    /// <summary>The stored SHA-256 of an existing object (metadata, else the bytes hashed); null when there is none.</summary>
    private async Task<string?> StoredSha256Async(string path, CancellationToken cancellationToken)
    {
        GetObjectMetadataResponse head;
        try
        {
            head = await _client.GetObjectMetadataAsync(Address.Bucket, Key(path), cancellationToken);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return null;
        }

        var stored = head.Metadata[Sha256Metadata];
        if (stored is { Length: 64 })
        {
            return stored;
        }

        // Put there by another tool: hash what is there.
        using var response = await _client.GetObjectAsync(Address.Bucket, Key(path), cancellationToken);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(response.ResponseStream, cancellationToken));
    }

    private bool SameOrConflict(string path, string found, string sha256) => HostFiles.SameOrConflict(Url(path), found, sha256);

    // The same headers as the Azure host: pointers change and must be fetched fresh; everything else is never rewritten.
    private static S3Uploads.Headers Headers(string path, string sha256) => new(
        path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/octet-stream",
        path.StartsWith("channels/", StringComparison.Ordinal) ? AzureBlobHost.PointerCacheControl : AzureBlobHost.ImmutableCacheControl,
        sha256);

    private static Uri BucketUri(S3HostOptions options, string bucket)
    {
        if (options.Endpoint is not { } endpoint)
        {
            // AWS: virtual-hosted style, regional when the region is known (a device skips a redirect).
            var host = options.Region is { } region ? $"{bucket}.s3.{region}.amazonaws.com" : $"{bucket}.s3.amazonaws.com";
            return options.PathStyle ? new Uri($"https://{host[(bucket.Length + 1)..]}/{bucket}/") : new Uri($"https://{host}/");
        }

        var authority = endpoint.GetLeftPart(UriPartial.Authority);
        return options.PathStyle
            ? new Uri($"{authority}/{bucket}/")
            : new Uri($"{endpoint.Scheme}://{bucket}.{endpoint.Authority}/");
    }

    private async Task<T> GuardAsync<T>(string path, string doing, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not EspReleaseException && !cancellationToken.IsCancellationRequested && S3Errors.Map(e, Url(path), doing, Options.EndpointSource, Options.MaxRetries) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Reports cumulative bytes in order, under one stage name.</summary>
    private sealed class ProgressRelay(IProgress<ProgressReport> target, string stage) : IProgress<(long Done, long Total)>
    {
        private readonly Lock _lock = new();
        private long _done = -1;

        public void Report((long Done, long Total) value)
        {
            lock (_lock)
            {
                if (value.Done <= _done)
                {
                    return;
                }

                _done = value.Done;
                target.Report(new ProgressReport(stage, value.Done, value.Total));
            }
        }
    }

    /// <summary>
    /// The object URLs when the bucket serves anonymous reads, else presigned GETs that last at most
    /// 7 days (a warning names the day); see <see cref="S3DeviceUrl"/>. The request's policy is Azure's and ignored here.
    /// </summary>
    public Task<DeviceUrl> GetDeviceUrlAsync(string pointerPath, string firmwarePath, DeviceUrlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return S3DeviceUrl.CreateAsync(this, pointerPath, firmwarePath, request.Validity, cancellationToken);
    }
}
