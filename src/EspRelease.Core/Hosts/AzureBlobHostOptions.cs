using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Diagnostics;

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

    /// <summary>Seconds one request may wait on the network before it is retried (<see cref="NetworkTimeout"/>).</summary>
    public const string TimeoutVariable = "ESP_RELEASE_HOST_TIMEOUT";

    /// <summary>Retries of one request after a transient failure (<see cref="MaxRetries"/>).</summary>
    public const string RetriesVariable = "ESP_RELEASE_HOST_RETRIES";

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

    /// <summary>
    /// How long one try may wait on the network: enough for a 1 MiB block on a slow uplink, short
    /// enough that an endpoint that accepts and never answers fails in minutes, not hours.
    /// </summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>CAs trusted for the endpoint besides the system store (the CA that issued Azurite's certificate).</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>The defaults, with <c>ESP_RELEASE_HOST_TIMEOUT</c> (seconds per try) and <c>ESP_RELEASE_HOST_RETRIES</c> when set.</summary>
    public static AzureBlobHostOptions FromEnvironment(Func<string, string?> environment) => new()
    {
        NetworkTimeout = TimeSpan.FromSeconds(Number(environment, TimeoutVariable, 1, 600) ?? 30),
        MaxRetries = (int)(Number(environment, RetriesVariable, 0, 10) ?? 4),
    };

    private static double? Number(Func<string, string?> environment, string variable, double min, double max)
    {
        var text = environment(variable);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new EspReleaseException(DiagnosticCodes.HostInvalid, $"{variable}=\"{text}\": expected a number from {min} to {max}.", kind: FailureKind.Usage);
    }

    /// <summary>The clock the SAS policy's expiry is computed from.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}
