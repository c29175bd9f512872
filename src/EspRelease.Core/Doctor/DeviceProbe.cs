using System.Globalization;
using System.Text;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Manifests;
using EspRelease.Core.Network;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Doctor;

/// <summary>How to probe: the URL, the CA the firmware embeds, and what else the firmware does.</summary>
public sealed record ProbeOptions
{
    public required Uri Url { get; init; }

    /// <summary>The CA file the firmware embeds; null when unknown (TLS is then not judged).</summary>
    public IReadOnlyList<CertificateInfo>? Trusted { get; init; }

    public string? TrustedOrigin { get; init; }

    /// <summary>Public keys for a signed manifest; none to read it unverified.</summary>
    public IReadOnlyList<VerificationKey> Keys { get; init; } = [];

    /// <summary>Headers the firmware adds (esp_http_client_set_header).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    public MbedTlsVerifyOptions Tls { get; init; } = new();

    /// <summary>The name the firmware checks instead of the URL's host (common_name).</summary>
    public string? HostName { get; init; }

    /// <summary>esp_http_client's buffer_size_tx (default 512): the request line must fit.</summary>
    public int BufferSizeTx { get; init; } = 512;

    /// <summary>How long each step may take (the device's own limits by default).</summary>
    public DeviceTimeouts Timeouts { get; init; } = DeviceTimeouts.Device;
}

/// <summary>
/// <c>probe</c>: fetches a signed manifest and its firmware exactly as esp_https_ota would (its GET,
/// no extra headers), then asks what its partial download asks (HEAD, a Range), and checks what the
/// device will check and what will break it: TLS by mbedtls's rules with the CA it embeds, status,
/// Content-Length, no Content-Encoding, the image itself, and that size, SHA-256 and chip equal the
/// manifest's. A server that cannot be talked to ends the report with the step that failed; it never
/// throws for it.
/// </summary>
public static class DeviceProbe
{
    public static async Task<ProbeReport> RunAsync(ProbeOptions options, CancellationToken cancellationToken)
    {
        var report = new ProbeReport();
        var url = options.Url;
        if (url.Scheme != Uri.UriSchemeHttps)
        {
            report.Fail(url, "https", DiagnosticCodes.DeviceUrlNotHttps,
                $"the URL is {url.Scheme}://, and esp_https_ota refuses a plain-HTTP URL unless the firmware sets CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, which releases refuse (no certificate, no integrity on the way). Serve it over https: Azurite with --cert and --key (`esp-release ca dev --out DIR` writes DIR/server.pem and DIR/server.key.pem) and an https BlobEndpoint, or `esp-release serve`.",
                "E (esp_https_ota): No option for server verification is enabled in esp_http_client config.");
            return report;
        }

        if (!url.AbsolutePath.EndsWith(".jws", StringComparison.OrdinalIgnoreCase))
        {
            await CheckFirmwareAsync(options, url, null, report, cancellationToken);
            return report;
        }

        var body = await GetSmallAsync(options, url, report, cancellationToken);
        if (body is null)
        {
            return report;
        }

        var jws = Encoding.ASCII.GetString(body);
        var origin = ServerProbe.Redact(url);
        ReleaseManifest manifest;
        if (options.Keys.Count > 0)
        {
            var verified = CompactJws.Verify(jws, options.Keys, origin);
            manifest = ManifestSerializer.Deserialize(verified.Payload, origin);
            report.SignedBy = verified.Key.KeyId;
            report.Pass(url, "signature", $"ES256 by key {verified.Key.KeyId}");
        }
        else
        {
            manifest = ManifestSerializer.Deserialize(CompactJws.TryReadPayload(jws) ?? throw new EspReleaseException(DiagnosticCodes.JwsMalformed, $"{origin}: not a compact JWS.", origin), origin);
            report.Checks.Add(new ProbeCheck(origin, "signature", false, "not checked: pass --key with the public key(s) devices trust", new Diagnostic(DiagnosticCodes.ProbeTlsNotJudged, Severity.Warning, $"{origin}: the manifest's signature was not checked; pass --key.", origin)));
        }

        report.Manifest = manifest;
        // RFC 3986 resolution drops the query; a SAS-protected container needs it on the firmware too.
        var firmware = new Uri(url, manifest.Firmware.Path);
        if (firmware.Query.Length == 0 && url.Query.Length > 1)
        {
            firmware = new UriBuilder(firmware) { Query = url.Query[1..] }.Uri;
        }

        report.FirmwareUrl = firmware;
        await CheckFirmwareAsync(options, firmware, manifest, report, cancellationToken);
        return report;
    }

    private static async Task CheckFirmwareAsync(ProbeOptions options, Uri url, ReleaseManifest? manifest, ProbeReport report, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"esp-release-probe-{Guid.NewGuid():n}.bin");
        try
        {
            var get = await ExchangeAsync(options, new DeviceRequest("GET", url) { BodyFile = temp }, report, cancellationToken);
            if (get is null || !StatusOk(options, url, get, report, "GET"))
            {
                return;
            }

            CheckBody(url, get, report);
            using (var stream = File.OpenRead(temp))
            {
                var image = AppImageReader.Inspect(stream, ServerProbe.Redact(url));
                if (get.Head.Length > 0 && get.Head[0] == ImageHeader.ImageMagic)
                {
                    if (image.Valid)
                    {
                        report.Pass(url, "image", $"{image.Kind.ToJsonName()} for {image.Chip?.Name}, {image.Size} bytes, valid");
                    }
                    else
                    {
                        report.Fail(url, "image", DiagnosticCodes.ProbeNotAnImage, $"the image fails validation: {string.Join(" ", image.Errors.Select(e => e.Code))}. The device would refuse it in esp_ota_end (image validation). Publish the release again.", "E (esp_image): image validation failed");
                    }
                }

                if (manifest is not null)
                {
                    CheckAgainstManifest(url, manifest, image, report);
                }
            }

            await CheckPartialDownloadAsync(options, url, get.BodyLength, report, cancellationToken);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // What CONFIG_ESP_HTTPS_OTA_ENABLE_PARTIAL_DOWNLOAD and OTA resumption ask after the plain GET
    // works: warnings, since the default esp_https_ota never sends either.
    private static async Task CheckPartialDownloadAsync(ProbeOptions options, Uri url, long size, ProbeReport report, CancellationToken cancellationToken)
    {
        var head = await ExchangeAsync(options, new DeviceRequest("HEAD", url), report, cancellationToken, optional: "HEAD");
        if (head is not null)
        {
            if (head.Status == 200 && head.ContentLength is not null)
            {
                report.Pass(url, "HEAD", $"200, Content-Length {head.ContentLength}");
            }
            else
            {
                report.Fail(url, "HEAD", DiagnosticCodes.ProbeNoContentLength, $"HEAD answered {head.Status}{(head.ContentLength is null ? " without Content-Length" : "")}; esp_https_ota's partial download (and its pre-erase sizing) needs 200 and the size from HEAD. Serve the file with a Content-Length, from a server that answers HEAD.", severity: Severity.Warning);
            }
        }

        var range = await ExchangeAsync(options, new DeviceRequest("GET", url) { Range = "bytes=0-15" }, report, cancellationToken, optional: "Range");
        if (range is not null)
        {
            var expected = $"bytes 0-15/{size}";
            if (range.Status == 206 && range.Header("Content-Range") == expected && range.BodyLength == 16)
            {
                report.Pass(url, "Range", $"206, Content-Range {expected}");
            }
            else
            {
                report.Fail(url, "Range", DiagnosticCodes.ProbeRangeUnsupported,
                    $"Range: bytes=0-15 gave {range.Status}{(range.Header("Content-Range") is { } cr ? $" with Content-Range {cr}" : "")} and {range.BodyLength} bytes; expected 206, {expected}, 16 bytes. esp_https_ota's partial download and resumption depend on it. Use a server that supports Range (esp-release serve, Azure Blob, nginx).", severity: Severity.Warning);
            }
        }
    }

    private static async Task<byte[]?> GetSmallAsync(ProbeOptions options, Uri url, ProbeReport report, CancellationToken cancellationToken)
    {
        var temp = Path.Combine(Path.GetTempPath(), $"esp-release-probe-{Guid.NewGuid():n}.jws");
        try
        {
            var response = await ExchangeAsync(options, new DeviceRequest("GET", url) { BodyFile = temp }, report, cancellationToken);
            return response is not null && StatusOk(options, url, response, report, "GET") ? await File.ReadAllBytesAsync(temp, cancellationToken) : null;
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // Opens a connection the device's way, judges its TLS once per URL, and makes one request. Null when
    // the device would stop here. A server that cannot be talked to fails the report (or, for an
    // optional request, warns under its name).
    private static async Task<DeviceResponse?> ExchangeAsync(ProbeOptions options, DeviceRequest request, ProbeReport report, CancellationToken cancellationToken, string? optional = null)
    {
        var url = request.Url;
        var first = !report.Checks.Any(c => c.Url == ServerProbe.Redact(url) && c.Name == "request line");
        if (first)
        {
            var line = DeviceHttp.RequestLine("GET", url);
            // snprintf keeps a byte for the NUL: a line of buffer_size_tx bytes already fails on the device.
            if (line.Length >= options.BufferSizeTx)
            {
                report.Fail(url, "request line", DiagnosticCodes.ProbeRequestLineTooLong,
                    $"the request line is {line.Length} bytes; esp_http_client builds it in its {options.BufferSizeTx}-byte transmit buffer and fails before sending anything. Set buffer_size_tx = {NextPowerOfTwo(line.Length)} in esp_http_client_config_t (or shorten the URL).", "E (HTTP_CLIENT): Out of buffer");
                return null;
            }

            report.Pass(url, "request line", $"{line.Length} bytes, under buffer_size_tx {options.BufferSizeTx}");
        }

        try
        {
            await using var connection = await DeviceConnection.OpenAsync(url, options.Timeouts, cancellationToken);
            if (first && !JudgeTls(options, url, connection, report))
            {
                return null;
            }

            return await DeviceHttp.SendAsync(connection, request with { Headers = options.Headers }, options.Timeouts, cancellationToken);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            report.Unreachable(url, optional ?? e.Diagnostic.Phase ?? "connect", e.Diagnostic, optional is not null);
            return null;
        }
    }

    private static bool JudgeTls(ProbeOptions options, Uri url, DeviceConnection connection, ProbeReport report)
    {
        if (options.Trusted is null)
        {
            report.Checks.Add(new ProbeCheck(ServerProbe.Redact(url), "TLS", false, "not judged: pass --ca with the CA file the firmware embeds",
                new Diagnostic(DiagnosticCodes.ProbeTlsNotJudged, Severity.Warning, $"{ServerProbe.Redact(url)}: TLS was not judged by mbedtls's rules; pass --ca with the CA file the firmware embeds.", ServerProbe.Redact(url))));
            return true;
        }

        var verdict = MbedTlsVerifier.Verify(connection.Served, options.Trusted, options.HostName ?? url.IdnHost.Trim('[', ']'), options.Tls);
        if (verdict.Trusted)
        {
            report.Pass(url, "TLS", $"mbedtls accepts the chain with {options.TrustedOrigin} (anchor {verdict.Anchor?.SubjectText})");
            if (TlsAdvice.DatesIgnored(url, verdict, options.TrustedOrigin ?? ServerProbe.Redact(url), options.Tls.Now ?? DateTime.UtcNow) is { } dates)
            {
                report.Checks.Add(new ProbeCheck(ServerProbe.Redact(url), "certificate dates", false, dates.Message, dates));
            }

            return true;
        }

        var advice = TlsAdvice.Explain(new ServerHop(url, connection.Served, 0, null), verdict, options.TrustedOrigin ?? "the CA file", options.Trusted, fromImage: false, options.Tls.Generation);
        report.Checks.Add(new ProbeCheck(ServerProbe.Redact(url), "TLS", false, advice.Message, advice, string.Join("\n", MbedTlsFlags.DeviceLog(verdict.Flags))));
        return false;
    }

    private static bool StatusOk(ProbeOptions options, Uri url, DeviceResponse response, ProbeReport report, string what)
    {
        if (response.Status is >= 200 and < 300)
        {
            report.Pass(url, what, $"{response.Status}, {response.BodyLength} bytes");
            return true;
        }

        var body = response.Head.Length > 0 ? $" The body is {NonImageSniffer.Describe(response.Head)}." : "";
        var azureCode = response.Header("x-ms-error-code");
        var sasInHeader = options.Headers.Any(h => h.Key.Equals("Authorization", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith("SharedAccessSignature", StringComparison.OrdinalIgnoreCase));
        if (response.Status == 403 && sasInHeader)
        {
            report.Fail(url, what, DiagnosticCodes.ProbeSasInHeader,
                $"403 {azureCode ?? "AuthenticationFailed"}: the SAS token was sent in an Authorization header. Blob Storage reads a SAS only from the URL's query string; its Authorization header takes SharedKey or Bearer, so the header is malformed credentials.{body} Remove the Authorization header from the firmware and append the token to the URL instead: {url.GetLeftPart(UriPartial.Path)}?<the SAS token>.",
                $"E (esp_https_ota): File not found({response.Status})");
            return false;
        }

        var log = response.Status switch
        {
            403 or 404 => $"E (esp_https_ota): File not found({response.Status})",
            >= 500 => $"E (esp_https_ota): Server error ({response.Status})",
            >= 400 => $"E (esp_https_ota): Client error ({response.Status})",
            _ => $"E (esp_https_ota): Failed to establish HTTP connection (status {response.Status})",
        };
        report.Fail(url, what, DiagnosticCodes.ProbeHttpStatus,
            $"{what} answered {response.Status}{(azureCode is null ? "" : $" ({azureCode})")}; the device stops here.{body} {StatusFix(response.Status, azureCode)}", log);
        return false;
    }

    private static string StatusFix(int status, string? azureCode) => (status, azureCode) switch
    {
        (403, "AuthenticationFailed") => "The SAS is missing, expired or malformed: publish again to get a fresh device URL (the SAS goes in the query string).",
        (403 or 404, "PublicAccessNotPermitted" or "ResourceNotFound" or "BlobNotFound") => "The container is private or the blob is missing: use the SAS device URL that publish prints, and check the path.",
        (404, _) => "The file is not at that path on the server: check the URL and that the release was published.",
        (401 or 403, _) => "The server wants credentials the device does not send: put a read-only SAS in the URL's query string, or make the container public.",
        _ => "Check the server's log for why.",
    };

    private static void CheckBody(Uri url, DeviceResponse get, ProbeReport report)
    {
        if (get.ContentLength is null)
        {
            report.Fail(url, "Content-Length", DiagnosticCodes.ProbeNoContentLength,
                $"the response has no Content-Length{(get.Chunked ? " (chunked)" : "")}: esp_https_ota cannot know the image size, so partial download and resumption fail and progress is unknown. Serve the file with Content-Length (no chunked encoding).", severity: Severity.Warning);
        }
        else
        {
            report.Pass(url, "Content-Length", get.ContentLength.Value.ToString(CultureInfo.InvariantCulture));
        }

        if (get.Header("Content-Encoding") is { } encoding && !encoding.Equals("identity", StringComparison.OrdinalIgnoreCase))
        {
            report.Fail(url, "Content-Encoding", DiagnosticCodes.ProbeContentEncoding,
                $"the response has Content-Encoding: {encoding}. esp_http_client does not decode it, so compressed bytes would be written to flash. Turn compression off for this file (and remove Content-Encoding from the blob's properties).",
                "E (esp_image): image at 0x... has invalid magic byte");
        }

        if (get.Head.Length == 0 || get.Head[0] != ImageHeader.ImageMagic)
        {
            var saw = get.Head.Length == 0 ? "nothing" : $"0x{get.Head[0]:x2}";
            report.Fail(url, "magic", DiagnosticCodes.ProbeNotAnImage,
                $"the body starts with {saw}, not the image magic 0xE9: it is {NonImageSniffer.Describe(get.Head)}. The device would write it into its OTA slot and then refuse it.",
                $"E (esp_image): image at 0x... has invalid magic byte (expected 0xE9, saw {saw})");
        }
        else
        {
            report.Pass(url, "magic", "0xE9");
        }
    }

    private static void CheckAgainstManifest(Uri url, ReleaseManifest manifest, ImageInspection image, ProbeReport report)
    {
        var sha = image.FileSha256 is null ? "" : Convert.ToHexStringLower(image.FileSha256);
        if (image.Size == manifest.Firmware.Size && sha == manifest.Firmware.Sha256)
        {
            report.Pass(url, "size and SHA-256", $"{image.Size} bytes, {sha}, as the manifest says");
        }
        else
        {
            report.Fail(url, "size and SHA-256", DiagnosticCodes.ProbeFirmwareMismatch,
                $"downloaded {image.Size} bytes with SHA-256 {sha}; the manifest says {manifest.Firmware.Size} bytes with {manifest.Firmware.Sha256}. A device checking the manifest refuses it; one that does not flashes other bytes than were signed. Publish the release again.");
        }

        if (image.Header is { } header && header.ChipId != manifest.ChipId)
        {
            report.Fail(url, "chip", DiagnosticCodes.ProbeFirmwareMismatch,
                $"the image is for chip id {header.ChipId}, the manifest for {manifest.Chip} (chip id {manifest.ChipId}).", "E (esp_image): Mismatch chip id");
        }
        else if (image.Header is not null)
        {
            report.Pass(url, "chip", $"{manifest.Chip} (chip id {manifest.ChipId})");
        }
    }

    private static int NextPowerOfTwo(int n)
    {
        var p = 512;
        while (p < n)
        {
            p *= 2;
        }

        return p;
    }
}
