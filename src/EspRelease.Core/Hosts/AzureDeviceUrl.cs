using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// The URLs a device uses for a channel on Azure Blob Storage: the pointer, and the firmware the
/// pointer names, each with the same read-only SAS in the query string (none for a public
/// container). The URLs hold a secret: <see cref="ToString"/> and <see cref="Redacted"/> drop it,
/// and only a face that was asked to (<c>--show-sas</c>) prints <see cref="ChannelUrl"/> whole.
/// </summary>
public sealed record AzureDeviceUrl
{
    /// <summary>esp_http_client's default transmit buffer (<c>buffer_size_tx</c>, <c>DEFAULT_HTTP_BUF_SIZE</c>).</summary>
    public const int DefaultTransmitBuffer = 512;

    /// <summary>The channel pointer's URL, with the SAS.</summary>
    public required Uri ChannelUrl { get; init; }

    /// <summary>The firmware's URL as a device builds it: the manifest's relative path resolved against the pointer, and the pointer's query appended again.</summary>
    public required Uri FirmwareUrl { get; init; }

    /// <summary>The stored access policy the SAS refers to; null without a SAS.</summary>
    public string? Policy { get; init; }

    /// <summary>When the policy (and so every URL signed with it) expires; null without a SAS.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>True when the container allows anonymous reads, so the URLs need no SAS.</summary>
    public bool PublicContainer { get; init; }

    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    public bool HasSas => ChannelUrl.Query.Length > 1;

    /// <summary>The pointer URL with the query replaced by a placeholder.</summary>
    public string Redacted => HostAddress.Redact(ChannelUrl.AbsoluteUri);

    /// <summary>The length of <c>GET &lt;path&gt;?&lt;query&gt; HTTP/1.1\r\n</c> for the pointer.</summary>
    public int ChannelRequestLine => RequestLineLength(ChannelUrl);

    /// <summary>The same for the firmware: the longer of the two, as the path is deeper.</summary>
    public int FirmwareRequestLine => RequestLineLength(FirmwareUrl);

    /// <summary>
    /// The request line esp_http_client writes into its transmit buffer before anything is sent
    /// (<c>http_client_prepare_first_line</c>): <c>"%s %s"</c> method and path, <c>"?%s"</c> query,
    /// <c>" %s\r\n"</c> protocol, each step refused with "Out of buffer" when the total reaches the
    /// buffer's size (snprintf keeps a byte for the terminating NUL).
    /// </summary>
    public static int RequestLineLength(Uri url, string method = "GET")
    {
        ArgumentNullException.ThrowIfNull(url);
        return method.Length + 1 + url.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped).Length + " HTTP/1.1\r\n".Length;
    }

    /// <summary>True when the line fits a transmit buffer of <paramref name="bufferSize"/> bytes.</summary>
    public static bool Fits(int requestLine, int bufferSize = DefaultTransmitBuffer) => requestLine < bufferSize;

    /// <summary>
    /// Adds the device URL to what a publish did, when the host is Azure Blob Storage (other hosts:
    /// <paramref name="change"/> as it is); its warnings (a request line too long) join the change's.
    /// </summary>
    /// <param name="host">Where the channel was published.</param>
    /// <param name="change">What the publish did.</param>
    /// <param name="policy">The stored access policy the SAS refers to.</param>
    /// <param name="validity">How long from now the URL must keep working at least.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<Releases.ChannelChange> AttachAsync(IReleaseHost host, Releases.ChannelChange change, string policy, TimeSpan validity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (host is not AzureBlobHost azure)
        {
            return change;
        }

        var firmware = HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path);
        try
        {
            var url = await azure.GetDeviceUrlAsync(change.PointerPath, firmware, policy, validity, cancellationToken);
            return change with { DeviceUrl = url, Warnings = [.. change.Warnings, .. url.Warnings] };
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            // The channel has moved: that stands. Say what is missing instead of failing the publish.
            return change with
            {
                Warnings = [.. change.Warnings, new Diagnostic(DiagnosticCodes.DeviceUrlUnsigned, Severity.Warning,
                    $"the release is published, but the device URL could not be prepared: {e.Diagnostic.Message}", e.Diagnostic.File)],
            };
        }
    }

    /// <summary>The redacted pointer URL: records print every member, and these hold a secret.</summary>
    public override string ToString() => Redacted;
}
