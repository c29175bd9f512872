using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Turns a <c>--to</c> value into a host: <c>dir:&lt;path&gt;</c> or a plain path is a folder,
/// <c>azure://&lt;account&gt;/&lt;container&gt;[/&lt;prefix&gt;]</c> an Azure Blob container, <c>s3://&lt;bucket&gt;[/&lt;prefix&gt;]</c> an S3 bucket (credentials from the environment).
/// </summary>
public static partial class HostAddress
{
    public static IReleaseHost Open(string address) => Open(address, Environment.GetEnvironmentVariable);

    /// <param name="address">The host address.</param>
    /// <param name="environment">Reads an environment variable: where an Azure host's credentials come from.</param>
    public static IReleaseHost Open(string address, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.StartsWith("dir:", StringComparison.OrdinalIgnoreCase))
        {
            var path = address[4..];
            return path.Length == 0 ? throw Invalid(address, "the folder after dir: is empty") : new DirectoryHost(path);
        }

        if (address.StartsWith(AzureBlobAddress.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return OpenAzure(address, environment);
        }

        if (address.StartsWith(S3Address.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return OpenS3(address, environment);
        }

        if (address.Contains("://", StringComparison.Ordinal))
        {
            throw Invalid(address, "unknown host kind");
        }

        return address.Length == 0 ? throw Invalid(address, "empty") : new DirectoryHost(address);
    }

    /// <summary>
    /// Drops a query string (where SAS signatures live) from an address before it is shown, and
    /// any <see cref="RedactSecrets">secret</see> left elsewhere in it.
    /// </summary>
    public static string Redact(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var q = address.IndexOf('?', StringComparison.Ordinal);
        return RedactSecrets(q < 0 ? address : address[..q] + "?<redacted>");
    }

    /// <summary>
    /// Replaces the values of SAS signatures (<c>sig=</c>), account keys (<c>AccountKey=</c>),
    /// connection-string SAS tokens (<c>SharedAccessSignature=</c>), and a presigned S3 URL's
    /// signature, session token and credential scope anywhere in a text.
    /// </summary>
    public static string RedactSecrets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Secret().Replace(text, m => m.Groups["name"].Value + "=<redacted>");
    }

    // Azure's SDK loads only here, when an azure:// host is opened: no other command pays for it.
    // The return type stays the interface so compiling Open never needs the Azure host's type.
    [MethodImpl(MethodImplOptions.NoInlining)]
#pragma warning disable CA1859

    private static IReleaseHost OpenAzure(string address, Func<string, string?> environment) => AzureBlobHost.Open(address, environment);

    // The same for the AWS SDK and s3:// hosts.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static IReleaseHost OpenS3(string address, Func<string, string?> environment) => S3Host.Open(address, environment);
#pragma warning restore CA1859

    private static EspReleaseException Invalid(string address, string why) =>
        new(DiagnosticCodes.HostInvalid, $"--to \"{Redact(address)}\": {why}. Expected dir:<folder>, {AzureBlobAddress.Form}, {S3Address.Form} or a folder path.", kind: FailureKind.Usage);

    [GeneratedRegex(@"(?<name>sig|AccountKey|SharedAccessSignature|X-Amz-Signature|X-Amz-Security-Token|X-Amz-Credential|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN)=[^&;\s""'<>]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Secret();
}
