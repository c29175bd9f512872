using System.Security.Cryptography.X509Certificates;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Builds the S3 client for an s3:// address. Credentials come from the AWS SDK's standard chain
/// (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY[/AWS_SESSION_TOKEN], AWS_PROFILE and the shared config
/// files, SSO, web identity in CI, the instance's role), never from a flag: the same place the AWS
/// CLI looks, so a publish works wherever `aws s3 ls` does.
/// </summary>
internal static class S3Connection
{
    /// <summary>The region signed for when a custom endpoint is used and none is configured: what S3-compatible services expect.</summary>
    public const string DefaultCustomRegion = "us-east-1";

    public static (AmazonS3Client Client, string Credential, X509Certificate2Collection? Roots) Connect(Func<string, string?> environment, S3HostOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.PathStyle,
            MaxErrorRetry = options.MaxRetries,
            Timeout = options.NetworkTimeout,
            RetryMode = RequestRetryMode.Standard,
            // The SDK's default (a CRC trailer in an aws-chunked body) is newer than many S3-compatible
            // services; the SHA-256 that matters is in the signed manifest, and each upload carries Content-MD5.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.Endpoint is { } endpoint)
        {
            config.ServiceURL = endpoint.AbsoluteUri;
            config.AuthenticationRegion = options.Region ?? DefaultCustomRegion;
        }
        else if (options.Region is { } region)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var roots = options.TrustedRoots ?? HostTrust.FromEnvironment(environment, S3HostOptions.TrustVariable, "the S3 endpoint");
        if (roots is { Count: > 0 })
        {
            config.HttpClientFactory = new TrustingFactory(roots);
        }

        var key = environment("AWS_ACCESS_KEY_ID");
        var secret = environment("AWS_SECRET_ACCESS_KEY");
        if (!string.IsNullOrWhiteSpace(key) && !string.IsNullOrWhiteSpace(secret))
        {
            // The chain's first source, read through the host's environment (so tests need not touch the process's).
            var token = environment("AWS_SESSION_TOKEN");
            AWSCredentials credentials = string.IsNullOrWhiteSpace(token)
                ? new BasicAWSCredentials(key.Trim(), secret.Trim())
                : new SessionAWSCredentials(key.Trim(), secret.Trim(), token.Trim());
            return (new AmazonS3Client(credentials, config), "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY", roots);
        }

        // Profiles, SSO, web identity, container and instance roles: resolved on the first request.
        return (new AmazonS3Client(config), "the AWS credential chain (profile, SSO, web identity or instance role)", roots);
    }

    private sealed class TrustingFactory(X509Certificate2Collection roots) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            var handler = HostTrust.Handler(roots);
            handler.ConnectTimeout = TimeSpan.FromSeconds(10);
            return new HttpClient(handler) { Timeout = clientConfig.Timeout ?? TimeSpan.FromSeconds(100) };
        }
    }
}
