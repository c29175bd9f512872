using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Builds the container client for an azure:// address from the environment, never from a flag or
/// a file in the repository: a connection string (an account key, or a SAS; its BlobEndpoint wins,
/// which is how Azurite is reached), else an account SAS, else <c>DefaultAzureCredential</c>
/// (federated identity in CI, the Azure CLI's login on a PC).
/// </summary>
internal static class AzureBlobConnection
{
    public const string ConnectionStringVariable = "AZURE_STORAGE_CONNECTION_STRING";
    public const string SasTokenVariable = "AZURE_STORAGE_SAS_TOKEN";

    /// <summary>
    /// The REST version every request names. Azurite 3.37.0 serves up to 2026-06-06 and answers a
    /// newer one (the SDK's default, 2026-10-06) with 400 InvalidHeaderValue; nothing esp-release
    /// uses is newer, so pinning costs nothing on Azure and keeps the emulator strict.
    /// </summary>
    public const BlobClientOptions.ServiceVersion Version = BlobClientOptions.ServiceVersion.V2026_06_06;

    public static (BlobContainerClient Container, string Credential) Connect(AzureBlobAddress address, Func<string, string?> environment, AzureBlobHostOptions options)
    {
        var clientOptions = ClientOptions(options, environment);
        var connectionString = environment(ConnectionStringVariable);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            BlobServiceClient service;
            try
            {
                service = new BlobServiceClient(connectionString.Trim(), clientOptions);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
            {
                // The value holds a key: it is never quoted, not even in part.
                throw new EspReleaseException(DiagnosticCodes.AzureCredentialsInvalid,
                    $"{ConnectionStringVariable}: not a storage connection string (its value is not shown). Expected \"DefaultEndpointsProtocol=https;AccountName=<account>;AccountKey=<key>;EndpointSuffix=core.windows.net\", \"BlobEndpoint=<url>;SharedAccessSignature=<sas>\" or \"UseDevelopmentStorage=true\"; copy it again from the storage account's Access keys.",
                    kind: FailureKind.Usage);
            }

            if (!string.Equals(service.AccountName, address.Account, StringComparison.OrdinalIgnoreCase))
            {
                throw new EspReleaseException(DiagnosticCodes.AzureCredentialsInvalid,
                    $"{address}: {ConnectionStringVariable} is for storage account '{service.AccountName}' ({service.Uri.GetLeftPart(UriPartial.Authority)}), not '{address.Account}'. Publish to azure://{service.AccountName}/{address.Container}, or set the connection string of '{address.Account}'.",
                    kind: FailureKind.Usage);
            }

            return (service.GetBlobContainerClient(address.Container), service.CanGenerateAccountSasUri ? "connection string with the account key" : "connection string with a SAS");
        }

        var sas = environment(SasTokenVariable);
        if (!string.IsNullOrWhiteSpace(sas))
        {
            var token = sas.Trim().TrimStart('?');
            if (!token.Contains("sig=", StringComparison.Ordinal) || token.Contains(' ', StringComparison.Ordinal))
            {
                throw new EspReleaseException(DiagnosticCodes.AzureCredentialsInvalid,
                    $"{SasTokenVariable}: not a SAS token (its value is not shown): expected the query string of an account or container SAS, \"sv=…&ss=b&srt=sco&sp=racwl&se=…&sig=…\". Generate one with read, add, create, write and list permissions.",
                    kind: FailureKind.Usage);
            }

            var service = new BlobServiceClient(PublicEndpoint(address), new AzureSasCredential(token), clientOptions);
            return (service.GetBlobContainerClient(address.Container), SasTokenVariable);
        }

        var identity = new DefaultAzureCredential(new DefaultAzureCredentialOptions { Retry = { MaxRetries = 1 } });
        return (new BlobServiceClient(PublicEndpoint(address), identity, clientOptions).GetBlobContainerClient(address.Container), "Entra ID (DefaultAzureCredential)");
    }

    private static Uri PublicEndpoint(AzureBlobAddress address) => new($"https://{address.Account}.blob.core.windows.net");

    private static BlobClientOptions ClientOptions(AzureBlobHostOptions options, Func<string, string?> environment)
    {
        var client = new BlobClientOptions(Version);
        client.Retry.Mode = RetryMode.Exponential;
        client.Retry.MaxRetries = options.MaxRetries;
        client.Retry.Delay = options.RetryDelay;
        client.Retry.MaxDelay = options.MaxRetryDelay;
        client.Retry.NetworkTimeout = options.NetworkTimeout;
        client.Diagnostics.ApplicationId = "esp-release";
        client.Diagnostics.IsLoggingContentEnabled = false;
        var roots = options.TrustedRoots ?? HostTrust.FromEnvironment(environment, AzureBlobHostOptions.TrustVariable, "the Blob endpoint");
        if (roots is { Count: > 0 })
        {
            client.Transport = new HttpClientTransport(HostTrust.Handler(roots));
        }

        return client;
    }
}
