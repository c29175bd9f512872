using System.Globalization;
using Amazon.S3;
using Amazon.S3.Model;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// The URLs a device uses for a channel on S3: the object URLs when the bucket serves anonymous
/// reads (found out by an anonymous HEAD of the pointer, which works on AWS, R2 and MinIO alike),
/// else presigned GETs (SigV4 query), which S3 honours for at most 7 days: every presigned URL comes
/// with a warning that names the day it stops working. A presigned query covers exactly one object,
/// so unlike an Azure container SAS it cannot be appended to the firmware's path; that is said too.
/// </summary>
internal static class S3DeviceUrl
{
    // What a too-long request line can shorten besides the buffer: a presigned query alone is about 300
    // bytes, and a session token adds over 1 KB.
    private const string Shorten = "the bucket and prefix, or publish with long-term keys (AWS_SESSION_TOKEN adds over 1 KB to a presigned query)";

    /// <summary>
    /// The device URLs for <paramref name="pointerPath"/> and <paramref name="firmwarePath"/>, presigned
    /// for <paramref name="validity"/> (at most 7 days) unless the bucket is public.
    /// </summary>
    /// <param name="host">The S3 host published to.</param>
    /// <param name="pointerPath">The channel pointer (host path).</param>
    /// <param name="firmwarePath">The firmware the pointer names (host path).</param>
    /// <param name="validity">How long the URLs should keep working; presigned ones are cut to 7 days.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public static async Task<DeviceUrl> CreateAsync(S3Host host, string pointerPath, string firmwarePath, TimeSpan validity, CancellationToken cancellationToken)
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
            return new DeviceUrl { ChannelUrl = pointer, FirmwareUrl = firmware, Kind = DeviceUrlKind.Public }.Checked(warnings, Shorten);
        }

        var now = host.Options.Clock.GetUtcNow();
        // The SDK turns the expiry into X-Amz-Expires against its own clock, a moment later and rounded:
        // a minute's margin keeps it within the 604800 seconds S3 accepts (one more and the URL is refused).
        var longest = S3HostOptions.MaxPresignValidity - TimeSpan.FromMinutes(1);
        var lasting = validity > longest ? longest : validity;
        // Whole seconds: X-Amz-Expires is an integer, and 604800 is the most S3 accepts.
        var expires = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + (long)lasting.TotalSeconds);
        var url = new DeviceUrl
        {
            ChannelUrl = await PresignAsync(host, pointerPath, pointer, expires),
            FirmwareUrl = await PresignAsync(host, firmwarePath, firmware, expires),
            Kind = DeviceUrlKind.Presigned,
            ExpiresOn = expires,
            FirmwareUrlDerivable = false,
        };
        var shown = HostAddress.Redact(url.ChannelUrl.AbsoluteUri);
        warnings.Add(new Diagnostic(DiagnosticCodes.S3PresignedUrlExpires, Severity.Warning,
            $"{shown}: the bucket does not serve anonymous reads, so the device URL is a presigned GET, and it stops working on {expires.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC: S3 honours a SigV4 presigned URL for 7 days at most{(validity > S3HostOptions.MaxPresignValidity ? $" (not the {validity.TotalDays:0} days asked for)" : "")}. A URL in a device's flash must outlive that: allow anonymous s3:GetObject on this prefix (a bucket policy), serve it through a CDN (e.g. CloudFront with origin access control), or have the device fetch a fresh URL from your backend before each check.", shown));
        warnings.Add(new Diagnostic(DiagnosticCodes.S3PresignedFirmwareUrl, Severity.Warning,
            $"{shown}: a presigned query signs one object only, so the firmware needs its own presigned URL: a device that resolves the manifest's firmware path against the pointer URL and appends the pointer's query (the esp_release_ota component does) gets 403 SignatureDoesNotMatch for the firmware. With a private bucket, a device needs a public or CDN URL; the presigned URLs suit a test on one device. (So the probe from the device's side is not run.)", shown));
        return url.Checked(warnings, Shorten);
    }

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
}
