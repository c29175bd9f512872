using System.Security.Cryptography.X509Certificates;

namespace EspRelease.Core.Hosts;

/// <summary>
/// How an <see cref="AzureBlobHost"/> talks to the service: block size and parallelism of large
/// uploads, and the retry budget for transient failures (bounded, so a dead endpoint fails in
/// seconds rather than minutes). The defaults suit Azure; tests shrink them.
/// </summary>
public sealed class AzureBlobHostOptions
{
    /// <summary>The environment variable naming a PEM file of extra CAs trusted for the Blob endpoint (Azurite with a development CA).</summary>
    public const string TrustVariable = "ESP_RELEASE_AZURE_CA";

    /// <summary>Files up to this size go in one Put Blob; larger ones in blocks of <see cref="BlockSize"/>.</summary>
    public long SingleUploadLimit { get; init; } = 1024 * 1024;

    /// <summary>1 MiB: small enough that one block finishes within <see cref="NetworkTimeout"/> on a slow uplink, big enough that a 4 MiB firmware is 4 requests.</summary>
    public long BlockSize { get; init; } = 1024 * 1024;

    /// <summary>Blocks uploaded (or ranges downloaded) at the same time.</summary>
    public int MaxConcurrency { get; init; } = 4;

    /// <summary>Retries of one request after a transient failure (timeouts, 5xx, 408, 429, refused connections).</summary>
    public int MaxRetries { get; init; } = 4;

    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>How long one try may wait on the network.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>CAs trusted for the endpoint besides the system store (the CA that issued Azurite's certificate).</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>The clock the SAS policy's expiry is computed from.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
