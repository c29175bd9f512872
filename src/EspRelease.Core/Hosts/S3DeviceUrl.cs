using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>
/// The URLs a device uses for a channel on S3: the object URLs when the bucket serves anonymous
/// reads (found out by an anonymous HEAD of the pointer, which works on AWS, R2 and MinIO alike),
/// else presigned GETs (SigV4 query), which S3 honours for at most 7 days: every presigned URL comes
/// with a warning that names the day it stops working. A presigned query covers exactly one object,
/// so unlike an Azure container SAS it cannot be appended to the firmware's path; that is said too.
/// Kept apart from the Azure type so it can become one implementation of a host-neutral device URL.
/// </summary>
public sealed record S3DeviceUrl
{
    public required Uri ChannelUrl { get; init; }

    public required Uri FirmwareUrl { get; init; }

    /// <summary>When the presigned URLs stop working; null for a public bucket.</summary>
    public DateTimeOffset? ExpiresOn { get; init; }

    public bool PublicBucket { get; init; }

    public IReadOnlyList<Diagnostic> Warnings { get; init; } = [];

    public bool Presigned => ChannelUrl.Query.Length > 1;

    /// <summary>The pointer URL without its query (the signature).</summary>
    public string Redacted => HostAddress.Redact(ChannelUrl.AbsoluteUri);

    public override string ToString() => Redacted;

    /// <summary>
    /// The device URLs for <paramref name="pointerPath"/> and <paramref name="firmwarePath"/>, presigned
    /// for <paramref name="validity"/> (at most 7 days) unless the bucket is public.
    /// </summary>
    /// <param name="host">The S3 host published to.</param>
    /// <param name="pointerPath">The channel pointer (host path).</param>
    /// <param name="firmwarePath">The firmware the pointer names (host path).</param>
    /// <param name="validity">How long the URLs should keep working; presigned ones are cut to 7 days.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<S3DeviceUrl> CreateAsync(S3Host host, string pointerPath, string firmwarePath, TimeSpan validity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        var pointer = ObjectUri(host, pointerPath);
        var firmware = ObjectUri(host, firmwarePath);
        var warnings = new List<Diagnostic>();
        if (pointer.Scheme != Uri.UriSchemeHttps)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.HttpFirmwareUrlWarning, Severity.Warning,
                $"{pointer.AbsoluteUri}: devices would download over plain HTTP, which esp_https_ota refuses unless CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set (and a release with it is refused). Serve the endpoint over HTTPS.", pointer.AbsoluteUri));
        }

        if (await AnonymousReadAsync(host, pointer, cancellationToken))
        {
            return Checked(new S3DeviceUrl { ChannelUrl = pointer, FirmwareUrl = firmware, PublicBucket = true }, warnings);
        }

        var now = host.Options.Clock.GetUtcNow();
        // The SDK turns the expiry into X-Amz-Expires against its own clock, a moment later and rounded:
        // a minute's margin keeps it within the 604800 seconds S3 accepts (one more and the URL is refused).
        var longest = S3HostOptions.MaxPresignValidity - TimeSpan.FromMinutes(1);
        var lasting = validity > longest ? longest : validity;
        // Whole seconds: X-Amz-Expires is an integer, and 604800 is the most S3 accepts.
        var expires = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + (long)lasting.TotalSeconds);
        var url = new S3DeviceUrl
        {
            ChannelUrl = await PresignAsync(host, pointerPath, pointer, expires),
            FirmwareUrl = await PresignAsync(host, firmwarePath, firmware, expires),
            ExpiresOn = expires,
        };
        var shown = HostAddress.Redact(url.ChannelUrl.AbsoluteUri);
        warnings.Add(new Diagnostic(DiagnosticCodes.S3PresignedUrlExpires, Severity.Warning,
            $"{shown}: the bucket does not serve anonymous reads, so the device URL is a presigned GET, and it stops working on {expires.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: S3 honours a SigV4 presigned URL for 7 days at most{(validity > S3HostOptions.MaxPresignValidity ? $" (not the {validity.TotalDays:0} days asked for)" : "")}. A URL in a device's flash must outlive that: allow anonymous s3:GetObject on this prefix (a bucket policy), serve it through a CDN (e.g. CloudFront with origin access control), or have the device fetch a fresh URL from your backend before each check.", shown));
        warnings.Add(new Diagnostic(DiagnosticCodes.S3PresignedFirmwareUrl, Severity.Warning,
            $"{shown}: a presigned query signs one object only, so the firmware needs its own presigned URL: a device that resolves the manifest's firmware path against the pointer URL and appends the pointer's query (the esp_release_ota component does) gets 403 SignatureDoesNotMatch for the firmware. With a private bucket, a device needs a public or CDN URL; the presigned URLs suit a test on one device. (So the probe from the device's side is not run.)", shown));
        return Checked(url, warnings);
    }

    /// <summary>Adds the device URL's warnings to what a publish did, when the host is S3 (other hosts: <paramref name="change"/> as it is).</summary>
    /// <param name="host">Where the channel was published.</param>
    /// <param name="change">What the publish did.</param>
    /// <param name="validity">How long the URL should keep working.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<(ChannelChange Change, S3DeviceUrl? Url)> AttachAsync(IReleaseHost host, ChannelChange change, TimeSpan validity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (host is not S3Host s3)
        {
            return (change, null);
        }

        var firmware = HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path);
        try
        {
            var url = await CreateAsync(s3, change.PointerPath, firmware, validity, cancellationToken);
            return (change with { Warnings = [.. change.Warnings, .. url.Warnings] }, url);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            // The channel has moved: that stands. Say what is missing instead of failing the publish.
            return (change with
            {
                Warnings = [.. change.Warnings, new Diagnostic(DiagnosticCodes.DeviceUrlUnsigned, Severity.Warning,
                    $"the release is published, but the device URL could not be prepared: {e.Diagnostic.Message}", e.Diagnostic.File)],
            }, null);
        }
    }

    /// <summary>The same URLs in the type a publish carries today (until a host-neutral device URL replaces both).</summary>
    public AzureDeviceUrl AsDeviceUrl() => new()
    {
        ChannelUrl = ChannelUrl,
        FirmwareUrl = FirmwareUrl,
        ExpiresOn = ExpiresOn,
        PublicContainer = PublicBucket,
        Warnings = Warnings,
    };

    /// <summary>The object's URL as a device reaches it: the bucket URL and the key, each segment escaped.</summary>
    public static Uri ObjectUri(S3Host host, string path)
    {
        ArgumentNullException.ThrowIfNull(host);
        return new Uri(host.BucketUrl, string.Join('/', host.Key(path).Split('/').Select(Uri.EscapeDataString)));
    }

    private static async Task<Uri> PresignAsync(S3Host host, string path, Uri bare, DateTimeOffset expires)
    {
        var signed = await host.Client.GetPreSignedURLAsync(new GetPreSignedUrlRequest
        {
            BucketName = host.Address.Bucket,
            Key = host.Key(path),
            Verb = HttpVerb.GET,
            Expires = expires.UtcDateTime,
            Protocol = bare.Scheme == Uri.UriSchemeHttps ? Protocol.HTTPS : Protocol.HTTP,
        });
        return new Uri(signed);
    }

    // A device sends no credentials: whether an unsigned GET works is the question, whatever made it so (bucket policy, ACL, public-access settings).
    private static async Task<bool> AnonymousReadAsync(S3Host host, Uri pointer, CancellationToken cancellationToken)
    {
        using var handler = host.TrustedRoots is { Count: > 0 } roots ? HostTrust.Handler(roots) : new SocketsHttpHandler();
        using var client = new HttpClient(handler) { Timeout = host.Options.NetworkTimeout };
        try
        {
            using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, pointer), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            // Not reachable without credentials (or at all): presign; the publish itself already reached the service.
            return false;
        }
    }

    private static S3DeviceUrl Checked(S3DeviceUrl url, List<Diagnostic> warnings)
    {
        foreach (var (what, target) in new[] { ("channel pointer", url.ChannelUrl), ("firmware", url.FirmwareUrl) })
        {
            var length = AzureDeviceUrl.RequestLineLength(target);
            if (!AzureDeviceUrl.Fits(length))
            {
                var shown = HostAddress.Redact(target.AbsoluteUri);
                warnings.Add(new Diagnostic(DiagnosticCodes.RequestLineTooLong, Severity.Warning,
                    $"{shown}: the device's request line for the {what} (GET <path>?<query> HTTP/1.1) is {length} bytes, and esp_http_client builds it in its {AzureDeviceUrl.DefaultTransmitBuffer}-byte transmit buffer (room for {AzureDeviceUrl.DefaultTransmitBuffer - 1}): the device logs \"HTTP_CLIENT: Out of buffer\" and sends nothing. A presigned query alone is about 300 bytes, and over 1 KB with a session token (AWS_SESSION_TOKEN). Set .buffer_size_tx = 2048 in the esp_http_client_config_t given to esp_https_ota, or publish with long-term keys and a shorter prefix.", shown));
            }
        }

        return url with { Warnings = warnings };
    }
}
