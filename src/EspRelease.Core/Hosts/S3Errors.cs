using System.Net.Sockets;
using System.Security.Authentication;
using Amazon.Runtime;
using Amazon.S3;
using EspRelease.Core.Diagnostics;

using static EspRelease.Core.Hosts.ExceptionChain;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Turns what the AWS SDK throws into one diagnostic: the object's URL (never a key, token or
/// signature), the status and S3's error code, what that code means here, and the fix.
/// </summary>
internal static class S3Errors
{
    public const string CredentialHelp =
        "Credentials come from the AWS environment, as for the AWS CLI: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), else AWS_PROFILE and ~/.aws/config (SSO, assumed roles), else web identity (aws-actions/configure-aws-credentials in CI) or the instance's role.";

    /// <summary>The exception to throw for <paramref name="e"/>, met at <paramref name="url"/> while <paramref name="doing"/>.</summary>
    /// <param name="e">What the SDK threw.</param>
    /// <param name="url">The object or bucket, without a query.</param>
    /// <param name="doing">What was being done, e.g. "uploading".</param>
    /// <param name="endpoint">Where the endpoint came from, for the fix ("--s3-endpoint", "AWS").</param>
    /// <param name="retries">How many retries the client made, for the transient cases.</param>
    public static EspReleaseException? Map(Exception e, string url, string doing, string endpoint, int retries)
    {
        switch (e)
        {
            case AmazonS3Exception { StatusCode: not 0 } failed when Find<HttpRequestException>(failed) is null:
                return Failed(failed, url, doing, retries);
            case AmazonServiceException service when Find<HttpRequestException>(service) is null && service.StatusCode != 0:
                return Failed(service, url, doing, retries);
            case AmazonClientException client when client.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase):
                return new EspReleaseException(DiagnosticCodes.S3CredentialsMissing,
                    $"{url}: no AWS credentials were found while {doing}. {CredentialHelp}", url, FailureKind.Usage, client);
            case AmazonClientException client when client.Message.Contains("RegionEndpoint", StringComparison.OrdinalIgnoreCase):
                return new EspReleaseException(DiagnosticCodes.S3CredentialsMissing,
                    $"{url}: no AWS region is configured. Set AWS_REGION (the bucket's region) or a region in the AWS profile, or --s3-endpoint for an S3-compatible service.", url, FailureKind.Usage, client);
            case HttpRequestException or TimeoutException or IOException or SocketException or AmazonServiceException or AmazonClientException
                when Find<HttpRequestException>(e) is not null || Find<SocketException>(e) is not null || Find<TimeoutException>(e) is not null || Find<AuthenticationException>(e) is not null:
                return Unreachable(url, doing, endpoint, e, retries);
            case IOException or AmazonClientException:
                // A body shorter than its Content-Length, or bytes that do not match the checksum the service sent.
                return new EspReleaseException(DiagnosticCodes.S3RequestFailed,
                    $"{url}: the object's bytes broke off or did not match the checksum S3 sent while {doing} ({FirstLine(Innermost(e).Message)}). Run the command again; if it persists the service holds a damaged object: compare it with the release folder (esp-release verify) and report it to the service.", url, FailureKind.Host, e);
            case OperationCanceledException:
                // The user's token was not cancelled (callers check): the client's network timeout fired.
                return Unreachable(url, doing, endpoint, new TimeoutException("no answer within the network timeout"), retries);
            default:
                return null;
        }
    }

    private static EspReleaseException Failed(AmazonServiceException e, string url, string doing, int retries)
    {
        var status = (int)e.StatusCode;
        var code = string.IsNullOrEmpty(e.ErrorCode) ? "(no error code)" : e.ErrorCode;
        // Refused credentials are the service's answer (exit 3), as for Azure; only missing ones are a usage error.
        var (meaning, fix, kind, diagnostic) = e.ErrorCode switch
        {
            "InvalidAccessKeyId" => ("the service does not know the access key", $"Check which credentials are in use (aws sts get-caller-identity) and the endpoint. {CredentialHelp}", FailureKind.Host, DiagnosticCodes.S3CredentialsInvalid),
            "SignatureDoesNotMatch" => ("the request's signature does not match: the secret key is wrong for this access key (or the region signed for is not the bucket's)", $"Check AWS_SECRET_ACCESS_KEY (its value is never shown) and AWS_REGION. {CredentialHelp}", FailureKind.Host, DiagnosticCodes.S3CredentialsInvalid),
            "ExpiredToken" or "TokenRefreshRequired" or "InvalidToken" => ("the session token has expired or is malformed", "Refresh the session (aws sso login, or assume the role again) and publish again.", FailureKind.Host, DiagnosticCodes.S3CredentialsInvalid),
            "AccessDenied" or "AllAccessDisabled" => ("the credentials are valid but not allowed to do this", "Publishing needs s3:GetObject, s3:PutObject and s3:ListBucket on the bucket and prefix (s3:AbortMultipartUpload for large files); check the bucket policy and any SCP or VPC endpoint policy too.", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            "NoSuchBucket" => ("the bucket does not exist", "Create it (aws s3 mb s3://<bucket>, in the region devices are near), or check the bucket name and the endpoint.", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            "PermanentRedirect" or "AuthorizationHeaderMalformed" or "IllegalLocationConstraintException" => ("the bucket is in another region than the one signed for", "Set AWS_REGION to the bucket's region.", FailureKind.Usage, DiagnosticCodes.S3RequestFailed),
            "SlowDown" or "InternalError" or "ServiceUnavailable" or "RequestTimeout" => ($"a transient failure that persisted through {retries} retries", "Publish again later; nothing half-written is visible to devices.", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            "NotImplemented" => ("the S3-compatible service does not implement this request", "Use a service that implements S3's object API (PUT, GET, HEAD, ListObjectsV2, multipart upload).", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            _ when status >= 500 => ($"a server error that persisted through {retries} retries", "Publish again later; nothing half-written is visible to devices.", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            _ when status == 403 => ("access was refused", $"Check the credentials and the bucket policy. {CredentialHelp}", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
            _ => ("an unexpected answer", "Check the bucket, the endpoint and the credentials, then publish again.", FailureKind.Host, DiagnosticCodes.S3RequestFailed),
        };
        return new EspReleaseException(diagnostic, $"{url}: S3 answered {status} {code} while {doing}: {meaning}. {fix}", url, kind, e);
    }

    private static EspReleaseException Unreachable(string url, string doing, string endpoint, Exception cause, int retries)
    {
        var tls = Find<AuthenticationException>(cause) is not null;
        var notTls = tls && Messages(cause).Any(m => m.Contains("frame size", StringComparison.OrdinalIgnoreCase) || m.Contains("corrupted frame", StringComparison.OrdinalIgnoreCase));
        var why = notTls
            ? $"the endpoint does not speak TLS: {endpoint} says https, but the server answers plain HTTP. Serve it over HTTPS (a device needs https anyway), or name the right port"
            : tls
            ? $"the TLS handshake failed: the endpoint's certificate is not trusted. For a server with a development CA, set {S3HostOptions.TrustVariable} to that CA's PEM file"
            : $"{FirstLine(Innermost(cause).Message)} (after {retries} retries). Check the endpoint ({endpoint}; is the server running?), the network and any proxy";
        return new EspReleaseException(DiagnosticCodes.S3Unreachable, $"{url}: cannot reach S3 while {doing}: {why}.", url, FailureKind.Host, cause);
    }
}
