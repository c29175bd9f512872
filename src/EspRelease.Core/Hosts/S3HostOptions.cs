using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// How an <see cref="S3Host"/> reaches its service. Every setting comes from the environment, so
/// the CLI's flags (<c>--s3-endpoint</c>, <c>--s3-path-style</c>, <c>--s3-unconditional-writes</c>),
/// the MSBuild targets and the GitHub action all reach it the same way: the flag sets the variable
/// for this process. Credentials are never among them: the AWS SDK's own chain finds those.
/// </summary>
public sealed record S3HostOptions
{
    /// <summary>Set by <c>--s3-endpoint</c>; wins over the AWS SDK's own variables.</summary>
    public const string EndpointVariable = "ESP_RELEASE_S3_ENDPOINT";

    /// <summary>The AWS SDKs' and CLI's standard variable for an S3-compatible endpoint.</summary>
    public const string AwsEndpointVariable = "AWS_ENDPOINT_URL_S3";

    /// <summary>The AWS SDKs' endpoint for every service, used when the S3 one is not set.</summary>
    public const string AwsGlobalEndpointVariable = "AWS_ENDPOINT_URL";

    /// <summary>Set by <c>--s3-path-style</c> (1 or true): https://endpoint/bucket/key instead of https://bucket.endpoint/key.</summary>
    public const string PathStyleVariable = "ESP_RELEASE_S3_PATH_STYLE";

    /// <summary>
    /// Set by <c>--s3-unconditional-writes</c>: on a server that ignores If-Match, replace channel
    /// pointers anyway (the user vouches that one publisher runs at a time).
    /// </summary>
    public const string UnconditionalWritesVariable = "ESP_RELEASE_S3_UNCONDITIONAL_WRITES";

    /// <summary>A PEM file of extra CAs trusted for the endpoint (a local S3-compatible server with a development CA).</summary>
    public const string TrustVariable = "ESP_RELEASE_S3_CA";

    /// <summary>The longest a SigV4 presigned URL lasts: S3 refuses X-Amz-Expires above 604800 seconds.</summary>
    public static readonly TimeSpan MaxPresignValidity = TimeSpan.FromDays(7);

    /// <summary>The endpoint of an S3-compatible service; null for AWS (the region's endpoint).</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The signing region; null: the AWS chain's (AWS_REGION, the profile), else us-east-1.</summary>
    public string? Region { get; init; }

    public bool PathStyle { get; init; }

    public bool UnconditionalWrites { get; init; }

    /// <summary>Files larger than this go up as a multipart upload.</summary>
    public long MultipartThreshold { get; init; } = 16 * 1024 * 1024;

    /// <summary>8 MiB: above S3's 5 MiB minimum for all but the last part, small enough to finish within <see cref="NetworkTimeout"/> on a slow uplink.</summary>
    public long PartSize { get; init; } = 8 * 1024 * 1024;

    /// <summary>Retries of one request after a transient failure.</summary>
    public int MaxRetries { get; init; } = 4;

    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>CAs trusted for the endpoint besides the system store.</summary>
    public X509Certificate2Collection? TrustedRoots { get; init; }

    /// <summary>The clock presigned URLs' expiry is computed from.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>How a name was chosen, for messages ("--s3-endpoint", "AWS_ENDPOINT_URL_S3", "AWS").</summary>
    public string EndpointSource { get; init; } = "AWS";

    /// <summary>The settings the environment names, with the defaults for the rest.</summary>
    public static S3HostOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var (endpoint, source) = EndpointFrom(environment);
        var timeout = AzureBlobHostOptions.FromEnvironment(environment);
        return new S3HostOptions
        {
            Endpoint = endpoint,
            EndpointSource = source,
            Region = First(environment, "AWS_REGION", "AWS_DEFAULT_REGION"),
            // A bucket cannot be a subdomain of an IP address or of localhost: those endpoints are path-style.
            PathStyle = Flag(environment, PathStyleVariable) || endpoint is { HostNameType: UriHostNameType.IPv4 or UriHostNameType.IPv6 } || endpoint?.IsLoopback == true,
            UnconditionalWrites = Flag(environment, UnconditionalWritesVariable),
            NetworkTimeout = timeout.NetworkTimeout,
            MaxRetries = timeout.MaxRetries,
        };
    }

    private static (Uri?, string) EndpointFrom(Func<string, string?> environment)
    {
        foreach (var variable in new[] { EndpointVariable, AwsEndpointVariable, AwsGlobalEndpointVariable })
        {
            var text = environment(variable);
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var name = variable == EndpointVariable ? "--s3-endpoint" : variable;
            if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
                || uri.Query.Length > 0 || !string.IsNullOrEmpty(uri.UserInfo) || uri.AbsolutePath != "/")
            {
                throw new EspReleaseException(DiagnosticCodes.HostInvalid,
                    $"{name} \"{HostAddress.Redact(text)}\": not an S3 endpoint. Expected the service's base URL, e.g. https://s3.eu-central-1.amazonaws.com, https://<account>.r2.cloudflarestorage.com or https://127.0.0.1:9000, with no path, query or user; the bucket goes in s3://<bucket>.",
                    kind: FailureKind.Usage);
            }

            return (uri, name);
        }

        return (null, "AWS");
    }

    private static string? First(Func<string, string?> environment, params string[] variables) =>
        variables.Select(environment).FirstOrDefault(v => !string.IsNullOrWhiteSpace(v))?.Trim();

    private static bool Flag(Func<string, string?> environment, string variable) =>
        environment(variable)?.Trim().ToLowerInvariant() switch
        {
            null or "" or "0" or "false" or "no" => false,
            "1" or "true" or "yes" => true,
            var other => throw new EspReleaseException(DiagnosticCodes.HostInvalid, $"{variable}=\"{other}\": expected 1 or 0.", kind: FailureKind.Usage),
        };
}
