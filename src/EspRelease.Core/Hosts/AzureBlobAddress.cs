using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// An <c>azure://&lt;account&gt;/&lt;container&gt;[/&lt;prefix&gt;]</c> host address, checked against Azure's
/// naming rules before any request, so a typo is named here instead of coming back as a 400 or a
/// 404 from the service. An address never carries a credential: those come from the environment.
/// </summary>
public sealed record AzureBlobAddress(string Account, string Container, string Prefix)
{
    public const string Scheme = "azure://";

    /// <summary>What the address should look like, for messages.</summary>
    public const string Form = "azure://<account>/<container>[/<prefix>]";

    public static AzureBlobAddress Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(address, $"it does not start with {Scheme}");
        }

        if (address.IndexOfAny(['?', '#']) >= 0 || address.Contains("sig=", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(address, "it carries a query (a SAS token?); credentials never go into the address. Put an account SAS in AZURE_STORAGE_SAS_TOKEN or a connection string in AZURE_STORAGE_CONNECTION_STRING");
        }

        var parts = address[Scheme.Length..].TrimEnd('/').Split('/');
        if (parts.Length < 2)
        {
            throw Invalid(address, "the container is missing");
        }

        var account = parts[0];
        if (account.Length is < 3 or > 24 || !account.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c)))
        {
            throw Invalid(address, $"\"{account}\" is not a storage account name (3 to 24 lowercase letters and digits)");
        }

        var container = parts[1];
        if (!IsContainerName(container))
        {
            throw Invalid(address, $"\"{container}\" is not a container name (3 to 63 lowercase letters, digits and single hyphens, starting and ending with a letter or digit; or $web, $root)");
        }

        var prefix = parts[2..];
        if (prefix.Any(s => s is "" or "." or ".." || s.Contains('\\', StringComparison.Ordinal)))
        {
            throw Invalid(address, "the prefix has an empty, '.', '..' or backslash segment");
        }

        return new AzureBlobAddress(account, container, string.Join('/', prefix));
    }

    /// <summary>The blob name of a host path: the prefix, then the path.</summary>
    public string BlobName(string path) => Prefix.Length == 0 ? path : $"{Prefix}/{path}";

    /// <summary>The host path of a blob name under the prefix.</summary>
    public string PathOf(string blobName) => Prefix.Length == 0 ? blobName : blobName[(Prefix.Length + 1)..];

    public override string ToString() => $"{Scheme}{Account}/{Container}{(Prefix.Length == 0 ? "" : "/" + Prefix)}";

    private static bool IsContainerName(string name)
    {
        if (name is "$web" or "$root" or "$logs")
        {
            return true;
        }

        return name.Length is >= 3 and <= 63
            && name.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c == '-')
            && name[0] != '-' && name[^1] != '-'
            && !name.Contains("--", StringComparison.Ordinal);
    }

    private static EspReleaseException Invalid(string address, string why) =>
        new(DiagnosticCodes.HostInvalid, $"\"{HostAddress.Redact(address)}\": not an Azure Blob host: {why}. Expected {Form}, e.g. azure://mystorage/firmware.", kind: FailureKind.Usage);
}
