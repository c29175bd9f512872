using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>How a device is allowed to read what a <see cref="DeviceUrl"/> names.</summary>
public enum DeviceUrlKind
{
    /// <summary>Private, and the URL carries no signature: devices would get 403 or 404 (a warning says why).</summary>
    Private,

    /// <summary>Anonymous reads are allowed: the URL holds no secret.</summary>
    Public,

    /// <summary>The query holds a read-only signature (an Azure SAS, an S3 presigned URL): a secret.</summary>
    Presigned,
}

/// <summary>What the command asks of <see cref="IDeviceUrlHost.GetDeviceUrlAsync"/>.</summary>
/// <param name="Policy">Azure: the stored access policy the SAS refers to; other hosts ignore it.</param>
/// <param name="Validity">How long from now the URLs must keep working at least.</param>
public sealed record DeviceUrlRequest(string Policy, TimeSpan Validity);

/// <summary>
/// The URLs a device uses for a channel: the pointer, and the firmware the pointer names, each with
/// the same read-only signature in the query string when the host signs (none when public). A signed
/// URL holds a secret: <see cref="ToString"/> and <see cref="Redacted"/> drop it, and only a face that
/// was asked to (<c>--show-sas</c>) prints <see cref="ChannelUrl"/> whole.
/// </summary>
public sealed record DeviceUrl
{
    /// <summary>esp_http_client's default transmit buffer (<c>buffer_size_tx</c>, <c>DEFAULT_HTTP_BUF_SIZE</c>).</summary>
    public const int DefaultTransmitBuffer = 512;

    /// <summary>The channel pointer's URL, with the signature when there is one.</summary>
    public required Uri ChannelUrl { get; init; }

    /// <summary>The firmware's URL as a device builds it: the manifest's relative path resolved against the pointer, and the pointer's query appended again.</summary>
    public required Uri FirmwareUrl { get; init; }

    public DeviceUrlKind Kind { get; init; }

    /// <summary>When the signature expires; null when the URL does not expire (public, unsigned).</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    /// <summary>Azure only: the stored access policy the SAS refers to (deleting it revokes the URL); else null.</summary>
    public string? Policy { get; init; }

    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    /// <summary>
    /// True when a device can build the firmware's URL itself, as the esp_release_ota component does:
    /// the manifest's path resolved against the pointer URL, with the pointer's query appended (public
    /// URLs, an Azure container SAS). False when each object has its own signature (S3 presigned URLs).
    /// </summary>
    public bool FirmwareUrlDerivable { get; init; } = true;

    public bool IsSigned => Kind == DeviceUrlKind.Presigned;

    public bool IsPublic => Kind == DeviceUrlKind.Public;

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

    /// <summary>The smallest power-of-two transmit buffer from 1024 bytes up that a request line of <paramref name="requestLine"/> bytes fits.</summary>
    public static int BufferFor(int requestLine)
    {
        var size = 1024;
        while (!Fits(requestLine, size))
        {
            size *= 2;
        }

        return size;
    }

    /// <summary>True when the line fits a transmit buffer of <paramref name="bufferSize"/> bytes.</summary>
    public static bool Fits(int requestLine, int bufferSize = DefaultTransmitBuffer) => requestLine < bufferSize;

    /// <summary>
    /// This URL with <paramref name="warnings"/> and a RequestLineTooLong warning for each request
    /// line that does not fit esp_http_client's default buffer. Every host builds its URL through this.
    /// </summary>
    /// <param name="warnings">What the host found while preparing the URL.</param>
    /// <param name="shorten">What the user can shorten instead, e.g. "the container and prefix".</param>
    public DeviceUrl Checked(IEnumerable<Diagnostic> warnings, string shorten)
    {
        var all = warnings.ToList();
        foreach (var (what, target, length) in new[] { ("channel pointer", ChannelUrl, ChannelRequestLine), ("firmware", FirmwareUrl, FirmwareRequestLine) })
        {
            if (!Fits(length))
            {
                var shown = HostAddress.Redact(target.AbsoluteUri);
                all.Add(new Diagnostic(DiagnosticCodes.RequestLineTooLong, Severity.Warning,
                    $"{shown}: the device's request line for the {what} (GET <path>?<query> HTTP/1.1) is {length} bytes, and esp_http_client builds it in its {DefaultTransmitBuffer}-byte transmit buffer (room for {DefaultTransmitBuffer - 1}): the device logs \"HTTP_CLIENT: Out of buffer\" and sends nothing. Set .buffer_size_tx = {BufferFor(length)} in the esp_http_client_config_t given to esp_https_ota, or shorten {shorten}.", shown));
            }
        }

        return this with { Warnings = all };
    }

    /// <summary>
    /// Adds the device URL to what a publish did, when the host can say where devices fetch it
    /// (<see cref="IDeviceUrlHost"/>; other hosts: <paramref name="change"/> as it is); its warnings
    /// (a request line too long, no signature) join the change's.
    /// </summary>
    public static async Task<Releases.ChannelChange> AttachAsync(IReleaseHost host, Releases.ChannelChange change, DeviceUrlRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (host is not IDeviceUrlHost urls)
        {
            return change;
        }

        var firmware = HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path);
        try
        {
            var url = await urls.GetDeviceUrlAsync(change.PointerPath, firmware, request, cancellationToken);
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

    /// <summary>The redacted pointer URL: records print every member, and these may hold a secret.</summary>
    public override string ToString() => Redacted;
}
