using System.Security.Cryptography;
using Azure;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>
/// An Azure Blob Storage container (or a prefix in one) as a host. Release files are created with
/// <c>If-None-Match: *</c>, so a version is never overwritten; their SHA-256 is stored as blob
/// metadata to tell an identical re-publish (a no-op) from other bytes (refused). A large file goes
/// up in parallel blocks that become visible only when Put Block List commits them, all at once.
/// The channel pointer is one Put Blob conditioned on the ETag it had when read (<c>If-Match</c>,
/// or <c>If-None-Match: *</c> for a new channel), so of two concurrent publishers exactly one wins.
/// </summary>
public sealed class AzureBlobHost : IDeviceUrlHost
{
    /// <summary>Blob metadata holding the content's SHA-256 (lowercase hex).</summary>
    public const string Sha256Metadata = "sha256";

    /// <summary>The stored access policy device SAS URLs refer to, unless another is named.</summary>
    public const string DefaultReadPolicy = "esp-release-read";

    public const string PointerCacheControl = "no-cache, max-age=0";

    public const string ImmutableCacheControl = "public, max-age=31536000, immutable";

    private readonly BlobContainerClient _container;
    private readonly AzureBlobAddress _address;
    private readonly AzureBlobHostOptions _options;

    internal AzureBlobHost(BlobContainerClient container, AzureBlobAddress address, AzureBlobHostOptions options, string credential)
    {
        _container = container;
        _address = address;
        _options = options;
        Credential = credential;
        // A client built on a SAS carries it in its URIs: never let it into a message or a device URL.
        Display = Bare(container.Uri).TrimEnd('/') + (address.Prefix.Length == 0 ? "" : "/" + address.Prefix);
    }

    /// <summary>The container's URL (and prefix): no query, so never a secret.</summary>
    public string Display { get; }

    public AzureBlobAddress Address => _address;

    /// <summary>Which kind of credential signs the requests (for messages; never the credential itself).</summary>
    public string Credential { get; }

    /// <summary>Opens <c>azure://&lt;account&gt;/&lt;container&gt;[/&lt;prefix&gt;]</c> with credentials from <paramref name="environment"/>.</summary>
    /// <param name="address">The host address.</param>
    /// <param name="environment">Reads an environment variable (default: the process's).</param>
    /// <param name="options">Transfer and retry settings; default: <see cref="AzureBlobHostOptions.FromEnvironment"/>.</param>
    public static AzureBlobHost Open(string address, Func<string, string?>? environment = null, AzureBlobHostOptions? options = null)
    {
        var parsed = AzureBlobAddress.Parse(address);
        environment ??= Environment.GetEnvironmentVariable;
        options ??= AzureBlobHostOptions.FromEnvironment(environment);
        var (container, credential) = AzureBlobConnection.Connect(parsed, environment, options);
        return new AzureBlobHost(container, parsed, options, credential);
    }

    public Task<HostObject?> ReadAsync(string path, CancellationToken cancellationToken) =>
        GuardAsync(path, "reading", async () =>
        {
            try
            {
                var result = (await Blob(path).DownloadContentAsync(cancellationToken)).Value;
                return new HostObject(result.Content.ToArray(), result.Details.ETag.ToString());
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return null;
            }
        }, cancellationToken);

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken) =>
        GuardAsync(path, "downloading", () => HostFiles.DownloadToTemporaryAsync(async file =>
        {
            try
            {
                await Blob(path).DownloadToAsync(file, new BlobDownloadToOptions { TransferOptions = DownloadTransfer() }, cancellationToken);
                return true;
            }
            catch (RequestFailedException e) when (e.Status == 404)
            {
                return false;
            }
        }), cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) =>
        GuardAsync(prefix, "listing", async () =>
        {
            var found = new List<string>();
            try
            {
                await foreach (var item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = _address.BlobName(prefix) }, cancellationToken))
                {
                    found.Add(_address.PathOf(item.Name));
                }
            }
            catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                return [];
            }

            found.Sort(StringComparer.Ordinal);
            return (IReadOnlyList<string>)found;
        }, cancellationToken);

    public Task<bool> CreateAsync(string path, string localFile, string sha256, IProgress<ProgressReport>? progress, CancellationToken cancellationToken) =>
        GuardAsync(path, "uploading", async () =>
        {
            var blob = Blob(path);
            if (await StoredSha256Async(blob, cancellationToken) is { } stored)
            {
                return SameOrConflict(path, stored, sha256);
            }

            byte[] md5;
            long total;
            await using (var hashing = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous))
            {
                total = hashing.Length;
                md5 = await ContentMd5Async(hashing, cancellationToken);
            }

            var report = progress is null ? null : new UploadProgress(progress, $"upload {path}", total);
            return await CreateOnceAsync(blob, path, sha256, async () =>
            {
                await using var input = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
                await blob.UploadAsync(input, UploadOptions(path, md5, sha256, Created(), report), cancellationToken);
            }, cancellationToken);
        }, cancellationToken);

    public Task<bool> CreateAsync(string path, byte[] content, CancellationToken cancellationToken) =>
        GuardAsync(path, "uploading", async () =>
        {
            var blob = Blob(path);
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(content));
            if (await StoredSha256Async(blob, cancellationToken) is { } stored)
            {
                return SameOrConflict(path, stored, sha256);
            }

            return await CreateOnceAsync(blob, path, sha256, () =>
                blob.UploadAsync(BinaryData.FromBytes(content), UploadOptions(path, ContentMd5(content), sha256, Created(), null), cancellationToken), cancellationToken);
        }, cancellationToken);

    public Task ReplaceAsync(string path, byte[] content, string? expectedTag, CancellationToken cancellationToken) =>
        GuardAsync(path, "replacing", async () =>
        {
            var conditions = expectedTag is null
                ? new BlobRequestConditions { IfNoneMatch = ETag.All }
                : new BlobRequestConditions { IfMatch = new ETag(expectedTag) };
            var blob = Blob(path);
            try
            {
                await WithContainerAsync(() => blob.UploadAsync(BinaryData.FromBytes(content), UploadOptions(path, ContentMd5(content), Convert.ToHexStringLower(SHA256.HashData(content)), conditions, null), cancellationToken), cancellationToken);
            }
            catch (RequestFailedException e) when (IsConditionFailure(e))
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

    /// <summary>
    /// A public container needs no SAS. Otherwise the stored access policy <see cref="DeviceUrlRequest.Policy"/>
    /// is made read-only and to last at least <see cref="DeviceUrlRequest.Validity"/> (created, extended,
    /// narrowed: never shortened), and the URLs carry a container SAS that refers to it (sr=c, si=,
    /// spr=https, sig=; no start time, so device clocks do not matter). Deleting the policy revokes every
    /// such URL. Signing needs the account key; with other credentials the URLs come back unsigned, with a warning.
    /// </summary>
    public Task<DeviceUrl> GetDeviceUrlAsync(string pointerPath, string firmwarePath, DeviceUrlRequest request, CancellationToken cancellationToken) =>
        GuardAsync(pointerPath, "preparing the device URL", async () =>
        {
            ArgumentNullException.ThrowIfNull(request);
            var policy = request.Policy;
            var pointer = BlobUri(pointerPath);
            var firmware = BlobUri(firmwarePath);
            var warnings = new List<Diagnostic>();
            if (pointer.Scheme != Uri.UriSchemeHttps)
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.HttpFirmwareUrlWarning, Severity.Warning,
                    $"{HostAddress.Redact(pointer.AbsoluteUri)}: devices would download over plain HTTP, which esp_https_ota refuses unless CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set (and a release with it is refused). Serve the endpoint over HTTPS (Azurite: --cert and --key).", HostAddress.Redact(pointer.AbsoluteUri)));
            }

            // Any credential that may publish may read the container's properties; only a key reads its policies.
            var publicAccess = (await _container.GetPropertiesAsync(cancellationToken: cancellationToken)).Value.PublicAccess;
            if (publicAccess is PublicAccessType.Blob or PublicAccessType.BlobContainer)
            {
                return new DeviceUrl { ChannelUrl = pointer, FirmwareUrl = firmware, Kind = DeviceUrlKind.Public }.Checked(warnings, Shorten);
            }

            if (!_container.CanGenerateSasUri)
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.DeviceUrlUnsigned, Severity.Warning,
                    $"{Display}: the container is private and the credential ({Credential}) cannot sign a SAS, so the device URL has none and devices would get 404 or 403. Publish once with {AzureBlobConnection.ConnectionStringVariable} holding the account key (it creates the read-only policy '{policy}' and prints the URL), or allow anonymous blob reads on this container.", Display));
                return new DeviceUrl { ChannelUrl = pointer, FirmwareUrl = firmware, Kind = DeviceUrlKind.Private }.Checked(warnings, Shorten);
            }

            var access = (await _container.GetAccessPolicyAsync(cancellationToken: cancellationToken)).Value;
            var expires = await EnsureReadPolicyAsync(access, policy, request.Validity, cancellationToken);
            var sas = _container.GenerateSasUri(new BlobSasBuilder
            {
                BlobContainerName = _container.Name,
                Resource = "c",
                Identifier = policy,
                Protocol = pointer.Scheme == Uri.UriSchemeHttps ? SasProtocol.Https : SasProtocol.None,
            }).Query;
            return new DeviceUrl
            {
                ChannelUrl = new Uri(pointer.AbsoluteUri + sas),
                FirmwareUrl = new Uri(firmware.AbsoluteUri + sas),
                Kind = DeviceUrlKind.Presigned,
                Policy = policy,
                ExpiresOn = expires,
            }.Checked(warnings, Shorten);
        }, cancellationToken);

    private const string Shorten = "the container and prefix";

    private async Task<DateTimeOffset> EnsureReadPolicyAsync(BlobContainerAccessPolicy access, string policy, TimeSpan validity, CancellationToken cancellationToken)
    {
        var needed = _options.Clock.GetUtcNow() + validity;
        var identifiers = access.SignedIdentifiers?.ToList() ?? [];
        var existing = identifiers.FirstOrDefault(i => i.Id == policy);
        if (existing?.AccessPolicy is { Permissions: "r", PolicyExpiresOn: { } expiresOn, PolicyStartsOn: null } && expiresOn >= needed)
        {
            return expiresOn;
        }

        // Read-only, no start (device and server clocks never matter), whole seconds (the service keeps no more).
        var expires = DateTimeOffset.FromUnixTimeSeconds(needed.ToUnixTimeSeconds() + 1);
        identifiers.RemoveAll(i => i.Id == policy);
        identifiers.Add(new BlobSignedIdentifier { Id = policy, AccessPolicy = new BlobAccessPolicy { Permissions = "r", PolicyExpiresOn = expires } });
        await _container.SetAccessPolicyAsync(access.BlobPublicAccess, identifiers, cancellationToken: cancellationToken);
        return expires;
    }

    private async Task<bool> CreateOnceAsync(BlobClient blob, string path, string sha256, Func<Task> upload, CancellationToken cancellationToken)
    {
        try
        {
            await WithContainerAsync(upload, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (IsConditionFailure(e))
        {
            // Created by someone else (or by this upload's first try) since the check: same rules.
            return SameOrConflict(path, await StoredSha256Async(blob, cancellationToken) ?? "(unknown)", sha256);
        }
    }

    // The first publish to a container creates it (private): the device URL gets a SAS.
    private async Task WithContainerAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            await _container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
            await action();
        }
    }

    /// <summary>The stored SHA-256 of an existing blob (metadata, else the bytes hashed); null when there is no blob.</summary>
    private static async Task<string?> StoredSha256Async(BlobClient blob, CancellationToken cancellationToken)
    {
        BlobProperties properties;
        try
        {
            properties = (await blob.GetPropertiesAsync(cancellationToken: cancellationToken)).Value;
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }

        if (properties.Metadata.TryGetValue(Sha256Metadata, out var stored) && stored.Length == 64)
        {
            return stored;
        }

        // Put there by another tool: hash what is there.
        using var sha = SHA256.Create();
        await using var content = await blob.OpenReadAsync(new BlobOpenReadOptions(allowModifications: false), cancellationToken);
        return Convert.ToHexStringLower(await sha.ComputeHashAsync(content, cancellationToken));
    }

    private bool SameOrConflict(string path, string found, string sha256) => HostFiles.SameOrConflict(Url(path), found, sha256);

    private BlobUploadOptions UploadOptions(string path, byte[] md5, string sha256, BlobRequestConditions conditions, IProgress<long>? progress) => new()
    {
        HttpHeaders = new BlobHttpHeaders
        {
            ContentType = path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "application/json" : "application/octet-stream",
            // Pointers change and must be fetched fresh; everything else is never rewritten.
            CacheControl = path.StartsWith("channels/", StringComparison.Ordinal) ? PointerCacheControl : ImmutableCacheControl,
            ContentHash = md5,
        },
        Metadata = new Dictionary<string, string> { [Sha256Metadata] = sha256 },
        Conditions = conditions,
        TransferOptions = Transfer(),
        // Each request carries the MD5 of its bytes, so the service refuses a block damaged on the way.
        TransferValidation = new UploadTransferValidationOptions { ChecksumAlgorithm = StorageChecksumAlgorithm.MD5 },
        ProgressHandler = progress,
    };

    // Content-MD5 is the hash Blob Storage stores and checks on the way in; what a device trusts is
    // the SHA-256 in the signed manifest, so MD5's weakness costs nothing here.
#pragma warning disable CA5351
    private static byte[] ContentMd5(byte[] content) => MD5.HashData(content);

    private static ValueTask<byte[]> ContentMd5Async(Stream content, CancellationToken cancellationToken) => MD5.HashDataAsync(content, cancellationToken);
#pragma warning restore CA5351

    private static BlobRequestConditions Created() => new() { IfNoneMatch = ETag.All };

    private StorageTransferOptions Transfer() => new()
    {
        InitialTransferSize = _options.SingleUploadLimit,
        MaximumTransferSize = _options.BlockSize,
        MaximumConcurrency = _options.MaxConcurrency,
    };

    // A firmware comes down in one GET (ranges only beyond 32 MiB): small upload blocks say nothing about reads.
    private StorageTransferOptions DownloadTransfer() => new()
    {
        InitialTransferSize = 32 * 1024 * 1024,
        MaximumTransferSize = 8 * 1024 * 1024,
        MaximumConcurrency = _options.MaxConcurrency,
    };

    private static bool IsConditionFailure(RequestFailedException e) =>
        e.Status is 409 or 412 && (e.ErrorCode == BlobErrorCode.BlobAlreadyExists || e.ErrorCode == BlobErrorCode.ConditionNotMet);

    private BlobClient Blob(string path) => _container.GetBlobClient(_address.BlobName(HostFiles.CheckPath(path)));

    private Uri BlobUri(string path) => new(Bare(Blob(path).Uri));

    private static string Bare(Uri uri) => uri.GetLeftPart(UriPartial.Path);

    private string Url(string path) => $"{Display}/{path}";

    private async Task<T> GuardAsync<T>(string path, string doing, Func<Task<T>> action, CancellationToken cancellationToken)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is not EspReleaseException && !cancellationToken.IsCancellationRequested && AzureErrors.Map(e, Url(path), doing, _options.MaxRetries) is { } mapped)
        {
            throw mapped;
        }
    }

    /// <summary>Reports cumulative bytes in order: the SDK reports from several block uploads at once.</summary>
    private sealed class UploadProgress(IProgress<ProgressReport> target, string stage, long total) : IProgress<long>
    {
        private readonly Lock _lock = new();
        private long _done;

        public void Report(long value)
        {
            lock (_lock)
            {
                if (value <= _done)
                {
                    return;
                }

                _done = value;
                target.Report(new ProgressReport(stage, value, total));
            }
        }
    }
}
