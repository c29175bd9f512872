using System.Security.Authentication;
using Azure;
using Azure.Identity;
using EspRelease.Core.Diagnostics;

using static EspRelease.Core.Hosts.ExceptionChain;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Turns what the Azure SDK throws into one diagnostic: the blob's URL (never a SAS or key), the
/// status and Azure's error code, what that code means here, and the fix. The SDK's own message (a
/// request dump with headers) is never shown.
/// </summary>
internal static class AzureErrors
{
    private const string CredentialHelp =
        $"Credentials come from the environment: {AzureBlobConnection.ConnectionStringVariable} (an account key or a SAS), else {AzureBlobConnection.SasTokenVariable}, else DefaultAzureCredential (Entra ID: az login, or federated identity in CI).";

    /// <summary>The exception to throw for <paramref name="e"/>, met at <paramref name="url"/> while <paramref name="doing"/>.</summary>
    /// <param name="e">What the SDK threw.</param>
    /// <param name="url">The blob or container, without a query.</param>
    /// <param name="doing">What was being done, e.g. "uploading".</param>
    /// <param name="retries">How many retries the client made, for the transient cases.</param>
    public static EspReleaseException? Map(Exception e, string url, string doing, int retries)
    {
        switch (e)
        {
            case AggregateException aggregate:
                // The retry policy gives up with every attempt's failure; the last one says the most.
                return aggregate.InnerExceptions.Count > 0 ? Map(aggregate.InnerExceptions[^1], url, doing, retries) : null;
            case AuthenticationFailedException auth:
                return new EspReleaseException(DiagnosticCodes.AzureCredentialsMissing,
                    $"{url}: no Azure credential could sign the request while {doing} ({FirstLine(auth.Message)}). {CredentialHelp}", url, FailureKind.Usage, auth);
            case RequestFailedException { Status: 0 } network:
                return Unreachable(url, doing, network.InnerException ?? network, retries);
            case RequestFailedException failed:
                return Failed(failed, url, doing, retries);
            case HttpRequestException or TimeoutException:
                // (An IOException is left alone: the SDK wraps network ones, so a bare one is about a local file.)
                return Unreachable(url, doing, e, retries);
            case OperationCanceledException:
                // The user's token was not cancelled (callers check): the client's network timeout fired.
                return Unreachable(url, doing, new TimeoutException("no answer within the network timeout"), retries);
            default:
                return null;
        }
    }

    private static EspReleaseException Failed(RequestFailedException e, string url, string doing, int retries)
    {
        var code = string.IsNullOrEmpty(e.ErrorCode) ? "(no error code)" : e.ErrorCode;
        var (meaning, fix) = e.ErrorCode switch
        {
            "AuthenticationFailed" or "InvalidAuthenticationInfo" or "NoAuthenticationInformation" =>
                ("the service refused the credentials", $"Check that the key or SAS is current (not expired, not signed with a rotated key). {CredentialHelp}"),
            "AuthorizationFailure" =>
                ("the request was not authorized (Azure: the account's firewall or network rules; Azurite: any credential it refuses)",
                    $"Check the account's networking settings and the credentials. {CredentialHelp}"),
            "AuthorizationPermissionMismatch" or "AuthorizationResourceTypeMismatch" or "AuthorizationServiceMismatch"
                or "AuthorizationProtocolMismatch" or "AuthorizationSourceIPMismatch" =>
                ("the credentials are valid but not allowed to do this",
                    "Publishing needs read, add, create, write and list on the container (an account SAS with ss=b, srt=sco, sp=racwl), or the Storage Blob Data Contributor role for an Entra ID identity; check the account's firewall too."),
            "KeyBasedAuthenticationNotPermitted" =>
                ("the account has shared-key access turned off", $"Unset {AzureBlobConnection.ConnectionStringVariable} and {AzureBlobConnection.SasTokenVariable} to use Entra ID (DefaultAzureCredential)."),
            "InvalidHeaderValue" when e.Message.Contains("version", StringComparison.OrdinalIgnoreCase) =>
                ($"the service does not support REST version {RestVersion} (an older Azurite)", "Use Azurite 3.37.0 or newer, or start it with --skipApiVersionCheck."),
            "AccountRequiresHttps" => ("the account accepts HTTPS only", "Use an https:// BlobEndpoint in the connection string."),
            "AccountIsDisabled" => ("the storage account is disabled", "Enable it in the Azure portal, or publish to another account."),
            "ContainerBeingDeleted" => ("the container is being deleted", "Wait a minute and publish again, or use another container."),
            "ServerBusy" or "InternalError" or "OperationTimedOut" =>
                ($"a transient failure that persisted through {retries} retries", "Publish again later; nothing half-written is visible to devices."),
            _ when e.Status >= 500 => ($"a server error that persisted through {retries} retries", "Publish again later; nothing half-written is visible to devices."),
            _ => ("an unexpected answer", "Check the account, the container and the credentials, then publish again."),
        };
        return new EspReleaseException(DiagnosticCodes.AzureRequestFailed,
            $"{url}: Azure Blob Storage answered {e.Status} {code} while {doing}: {meaning}. {fix}", url, FailureKind.Host, e);
    }

    private static EspReleaseException Unreachable(string url, string doing, Exception cause, int retries)
    {
        var tls = Find<AuthenticationException>(cause) is not null;
        // .NET's words when the bytes back are no TLS record: a plain-HTTP endpoint behind an https:// URL.
        var notTls = tls && Messages(cause).Any(m => m.Contains("frame size", StringComparison.OrdinalIgnoreCase) || m.Contains("corrupted frame", StringComparison.OrdinalIgnoreCase));
        var why = notTls
            ? $"the endpoint does not speak TLS: the BlobEndpoint in {AzureBlobConnection.ConnectionStringVariable} says https, but the server answers plain HTTP (Azurite without --cert and --key). Start Azurite with --cert and --key (`esp-release ca dev --out DIR` writes DIR/server.pem and DIR/server.key.pem; set {AzureBlobHostOptions.TrustVariable} to the CA it prints), since a device needs https anyway"
            : tls
            ? $"the TLS handshake failed: the endpoint's certificate is not trusted. For Azurite with a development CA, set {AzureBlobHostOptions.TrustVariable} to that CA's PEM file"
            : $"{FirstLine(Innermost(cause).Message)} (after {retries} retries). Check the endpoint in {AzureBlobConnection.ConnectionStringVariable} (is Azurite running?), the network and any proxy";
        return new EspReleaseException(DiagnosticCodes.AzureUnreachable, $"{url}: cannot reach Azure Blob Storage while {doing}: {why}.", url, FailureKind.Host, cause);
    }

    private static string RestVersion => AzureBlobConnection.Version.ToString()[1..].Replace('_', '-');
}
