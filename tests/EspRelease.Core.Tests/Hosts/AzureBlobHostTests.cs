using System.Net;
using System.Security.Cryptography;
using Azure.Core.Pipeline;
using Azure.Storage;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Sas;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Images;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts;

[CollectionDefinition(Name)]
public sealed class AzuriteTestGroup : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "Azurite";
}

/// <summary>
/// What only the Azure Blob host does, on a real Azurite over HTTPS: what a device downloads through
/// the SAS URL (device-sim on Mbed TLS), headers, credentials, prefixes, error messages. The rules
/// every host keeps (create-only files, the pointer's compare-and-swap, racing publishers, history)
/// are in <see cref="Contract.AzureBlobHostContractTests"/>.
/// </summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class AzureBlobHostTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly Azurite _azurite;
    private readonly string _address = $"azure://{Azurite.AccountName}/t-{Guid.NewGuid():n}";
    private readonly AzureBlobHost _host;
    private long _clock = 1764072000;

    public AzureBlobHostTests(AzuriteFixture fixture)
    {
        _azurite = fixture.Azurite;
        _host = Open();
    }

    public void Dispose() => _temp.Dispose();

    private AzureBlobHost Open(AzureBlobHostOptions? options = null) =>
        AzureBlobHost.Open(_address, _azurite.Environment, options ?? new AzureBlobHostOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(50) });

    private ChannelOptions Options() => new() { Key = _key, Created = DateTimeOffset.FromUnixTimeSeconds(_clock++) };

    private PackedRelease Packed(string version, int appBytes = 64 * 1024) =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: appBytes),
            OutputDirectory = _temp.Combine("rel-" + Guid.NewGuid().ToString("n")),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(_clock++),
        });

    private Task<ChannelChange> Publish(PackedRelease release, string channel = "stable", IReleaseHost? host = null) =>
        ReleasePublisher.PublishAsync(host ?? _host, release, channel, Options(), null, CancellationToken.None);

    private Task<VerificationReport> Verify(string channel = "stable") =>
        ReleaseDirectory.VerifyChannelAsync(_host, channel, [_key.PublicKey], CancellationToken.None);

    private async Task<DeviceUrl> DeviceUrlOf(ChannelChange change) =>
        (await DeviceUrl.AttachAsync(_host, change, new DeviceUrlRequest(AzureBlobHost.DefaultReadPolicy, TimeSpan.FromDays(365)), CancellationToken.None)).DeviceUrl!;

    [Fact]
    public async Task A_publish_verifies_on_the_host_and_a_device_downloads_pointer_and_firmware_through_the_SAS_URL()
    {
        var change = await Publish(Packed("1.0.0", appBytes: 200 * 1024));
        var report = await Verify();
        var url = await DeviceUrlOf(change);

        Assert.Equal("1.0.0", report.Manifest.Version);
        Assert.StartsWith(_azurite.BlobEndpoint.AbsoluteUri, report.FirmwareOrigin, StringComparison.Ordinal);

        // A container SAS on the stored policy: read-only and expiry live in the policy, not in the URL.
        var query = url.ChannelUrl.Query;
        Assert.Contains("sr=c", query, StringComparison.Ordinal);
        Assert.Contains("si=esp-release-read", query, StringComparison.Ordinal);
        Assert.Contains("spr=https", query, StringComparison.Ordinal);
        Assert.DoesNotContain("sp=", query, StringComparison.Ordinal);
        Assert.DoesNotContain("st=", query, StringComparison.Ordinal);
        Assert.Equal(query, url.FirmwareUrl.Query);
        Assert.True(url.ExpiresOn > DateTimeOffset.UtcNow.AddDays(364), $"policy expires {url.ExpiresOn}");
        Assert.Empty(url.Warnings);
        Assert.DoesNotContain("sig=", url.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("sig=", change.ToString(), StringComparison.Ordinal);

        var pointerBytes = (await _host.ReadAsync("channels/stable.jws", CancellationToken.None))!.Content;
        var pointer = await DeviceSim.GetAsync(url.ChannelUrl, _azurite.CaPemFile);
        Assert.True(pointer.ExitCode == DeviceSim.ExitOk, pointer.ToString());
        Assert.Equal(200, pointer.Status);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(pointerBytes)), pointer.Sha256);

        var firmware = await DeviceSim.GetAsync(url.FirmwareUrl, _azurite.CaPemFile);
        Assert.True(firmware.ExitCode == DeviceSim.ExitOk, firmware.ToString());
        Assert.Equal(200, firmware.Status);
        Assert.Equal(change.Manifest.Firmware.Size, firmware.ContentLength);
        Assert.Equal(change.Manifest.Firmware.Sha256, firmware.Sha256);
        Assert.Equal((byte)0xE9, firmware.FirstByte);
        Assert.Equal("application/octet-stream", firmware.ContentType);
        Assert.Null(firmware.ContentEncoding);

        // esp_https_ota's partial download and resume: Range answered with 206.
        var range = await DeviceSim.GetAsync(url.FirmwareUrl, _azurite.CaPemFile, range: "1024-2047");
        Assert.Equal(206, range.Status);
        Assert.Equal(1024, range.ContentLength);
        Assert.Equal($"bytes 1024-2047/{change.Manifest.Firmware.Size}", range.ContentRange);

        // The request line the device builds fits esp_http_client's default 512-byte transmit buffer.
        var line = $"GET {url.FirmwareUrl.PathAndQuery} HTTP/1.1\r\n";
        Assert.Equal(line.Length, url.FirmwareRequestLine);
        Assert.True(url.FirmwareRequestLine < 512 && url.ChannelRequestLine < url.FirmwareRequestLine, $"{url.ChannelRequestLine}, {url.FirmwareRequestLine}");
    }

    [Fact]
    public async Task Blobs_carry_the_headers_a_device_and_a_cache_need()
    {
        var release = Packed("1.0.0");
        var change = await Publish(release);
        var url = await DeviceUrlOf(change);
        using var http = Http();

        using var firmware = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url.FirmwareUrl));
        using var pointer = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, url.ChannelUrl));
        var manifestJson = new Uri(url.FirmwareUrl.GetLeftPart(UriPartial.Path)[..url.FirmwareUrl.GetLeftPart(UriPartial.Path).LastIndexOf('/')] + "/manifest.json" + url.FirmwareUrl.Query);
        using var json = await http.SendAsync(new HttpRequestMessage(HttpMethod.Head, manifestJson));

        Assert.Equal(HttpStatusCode.OK, firmware.StatusCode);
        Assert.Equal("application/octet-stream", firmware.Content.Headers.ContentType?.MediaType);
        Assert.Empty(firmware.Content.Headers.ContentEncoding);
        Assert.Equal("public, max-age=31536000, immutable", Header(firmware, "Cache-Control"));
#pragma warning disable CA5351 // Content-MD5 is the service's own integrity header: checked, not relied on.
        Assert.Equal(Convert.ToBase64String(MD5.HashData(File.ReadAllBytes(release.FirmwarePath))), Header(firmware, "Content-MD5"));
#pragma warning restore CA5351
        Assert.Equal("bytes", Header(firmware, "Accept-Ranges"));
        Assert.Equal("application/octet-stream", pointer.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-cache, max-age=0", Header(pointer, "Cache-Control"));
        Assert.NotNull(Header(pointer, "Content-MD5"));
        Assert.Equal("application/json", json.Content.Headers.ContentType?.MediaType);
    }

    /// <summary>
    /// Failure 4 of the story, replayed on the wire: the SAS sent as <c>Authorization: SharedAccessSignature &lt;sas&gt;</c>
    /// (Service Bus's header form) instead of in the query. Blob Storage does not know that scheme and refuses
    /// the request; the XML error body is what a naive device writes into its OTA slot.
    /// Azure answers <c>403 AuthenticationFailed</c> ("Server failed to authenticate the request. Make sure the
    /// value of Authorization header is formed correctly including the signature."); Azurite 3.37.0 sends the
    /// same status and message with the code <c>AuthorizationFailure</c>, which is what is asserted here.
    /// </summary>
    [Fact]
    public async Task The_SAS_in_an_Authorization_header_instead_of_the_query_is_refused_with_403_and_an_XML_body()
    {
        var change = await Publish(Packed("1.0.0"));
        var url = await DeviceUrlOf(change);
        var bare = new Uri(url.FirmwareUrl.GetLeftPart(UriPartial.Path));
        using var http = Http();

        using var request = new HttpRequestMessage(HttpMethod.Get, bare);
        Assert.True(request.Headers.TryAddWithoutValidation("Authorization", "SharedAccessSignature " + url.FirmwareUrl.Query.TrimStart('?')));
        using var refused = await http.SendAsync(request);
        var body = await refused.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.UTF8.GetString(body);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("AuthorizationFailure", Header(refused, "x-ms-error-code"));
        Assert.Equal("application/xml", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<Code>AuthorizationFailure</Code>", text, StringComparison.Ordinal);
        Assert.Contains("Server failed to authenticate the request. Make sure the value of the Authorization header is formed correctly including the signature.", text, StringComparison.Ordinal);

        // What the device would flash is no image, and esp-release says what it is.
        var inspected = AppImageReader.Inspect(new MemoryStream(body), "403-body.bin");
        Assert.False(inspected.Valid);
        Assert.Contains(inspected.Errors, e => e.Message.Contains("<Code>AuthorizationFailure</Code>", StringComparison.Ordinal));

        // The same token in the query: the download works. Without any token: refused as well (Azure: 404 for a private container).
        using var ok = await http.GetAsync(url.FirmwareUrl);
        using var anonymous = await http.GetAsync(bare);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(change.Manifest.Firmware.Sha256, Convert.ToHexStringLower(SHA256.HashData(await ok.Content.ReadAsByteArrayAsync())));
        Assert.Equal(HttpStatusCode.Forbidden, anonymous.StatusCode);
    }

    [Fact]
    public async Task Errors_name_the_URL_and_the_fix_and_never_a_signature_or_key()
    {
        var change = await Publish(Packed("1.0.0"));
        var url = await DeviceUrlOf(change);
        var sig = Uri.UnescapeDataString(url.ChannelUrl.Query.Split('&').Single(p => p.StartsWith("sig=", StringComparison.Ordinal))[4..]);

        // A device's read-only SAS used to publish: refused by the service, mapped without the token.
        var readOnly = $"BlobEndpoint={_azurite.BlobEndpoint};SharedAccessSignature={url.ChannelUrl.Query.TrimStart('?')}";
        var withSas = AzureBlobHost.Open(_address, name => name == "AZURE_STORAGE_CONNECTION_STRING" ? readOnly : _azurite.Environment(name),
            new AzureBlobHostOptions { MaxRetries = 0 });
        Assert.NotNull(await withSas.ReadAsync("channels/stable.jws", CancellationToken.None));
        var denied = await Assert.ThrowsAsync<EspReleaseException>(() => Publish(Packed("1.1.0"), host: withSas));

        // A stopped endpoint, a SAS pasted into the address, and a mangled connection string.
        var unreachable = await Assert.ThrowsAsync<EspReleaseException>(() => AzureBlobHost.Open(_address,
            name => name == "AZURE_STORAGE_CONNECTION_STRING" ? $"BlobEndpoint=https://127.0.0.1:9/{Azurite.AccountName};SharedAccessSignature={url.ChannelUrl.Query.TrimStart('?')}" : _azurite.Environment(name),
            new AzureBlobHostOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) }).ReadAsync("channels/stable.jws", CancellationToken.None));
        var pasted = Assert.Throws<EspReleaseException>(() => HostAddress.Open(_address + url.ChannelUrl.Query, _azurite.Environment));
        var mangled = Assert.Throws<EspReleaseException>(() => HostAddress.Open(_address, name => name == "AZURE_STORAGE_CONNECTION_STRING" ? $"AccountKey={Azurite.AccountKey};Nonsense" : null));
        var otherAccount = Assert.Throws<EspReleaseException>(() => HostAddress.Open("azure://otheraccount/firmware", _azurite.Environment));
        Assert.Contains("is for storage account 'devstoreaccount1'", otherAccount.Message, StringComparison.Ordinal);

        Assert.Equal((DiagnosticCodes.AzureRequestFailed, FailureKind.Host), (denied.Diagnostic.Code, denied.Kind));
        Assert.True(denied.Message.Contains("403 AuthorizationPermissionMismatch", StringComparison.Ordinal), denied.Message);
        Assert.Contains("sp=racwl", denied.Message, StringComparison.Ordinal);
        Assert.Contains(_host.Display, denied.Message, StringComparison.Ordinal);
        Assert.Equal((DiagnosticCodes.AzureUnreachable, FailureKind.Host), (unreachable.Diagnostic.Code, unreachable.Kind));
        Assert.Contains("127.0.0.1:9", unreachable.Message, StringComparison.Ordinal);
        Assert.Equal((DiagnosticCodes.HostInvalid, FailureKind.Usage), (pasted.Diagnostic.Code, pasted.Kind));
        Assert.Equal((DiagnosticCodes.AzureCredentialsInvalid, FailureKind.Usage), (mangled.Diagnostic.Code, mangled.Kind));
        foreach (var e in new[] { denied, unreachable, pasted, mangled, otherAccount })
        {
            var everything = string.Join("\n", e.Diagnostics.Select(d => d.Message + d.File)) + e.Message;
            Assert.DoesNotContain(sig, everything, StringComparison.Ordinal);
            Assert.DoesNotContain(url.ChannelUrl.Query.Split("sig=")[1], everything, StringComparison.Ordinal);
            Assert.DoesNotContain(Azurite.AccountKey[..20], everything, StringComparison.Ordinal);
            // The SDK's own exception, kept as the cause for debugging, redacts the signature too.
            Assert.DoesNotContain(sig, e.InnerException?.ToString() ?? "", StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A publisher with an account SAS (not the key): the publish works, but only a key can sign the
    /// devices' SAS, so the URL comes back unsigned with a warning, until the container allows
    /// anonymous reads; then the plain URL is the device URL.
    /// </summary>
    [Fact]
    public async Task With_an_account_SAS_the_publish_works_and_the_device_URL_needs_a_public_container()
    {
        var accountSas = new AccountSasBuilder(AccountSasPermissions.Read | AccountSasPermissions.Add | AccountSasPermissions.Create | AccountSasPermissions.Write | AccountSasPermissions.List,
            DateTimeOffset.UtcNow.AddHours(1), AccountSasServices.Blobs, AccountSasResourceTypes.Service | AccountSasResourceTypes.Container | AccountSasResourceTypes.Object)
            .ToSasQueryParameters(new StorageSharedKeyCredential(Azurite.AccountName, Azurite.AccountKey)).ToString();
        var connection = $"BlobEndpoint={_azurite.BlobEndpoint};SharedAccessSignature={accountSas}";
        var host = AzureBlobHost.Open(_address, name => name == "AZURE_STORAGE_CONNECTION_STRING" ? connection : _azurite.Environment(name));

        var change = await Publish(Packed("1.0.0"), host: host);
        var unsigned = await DeviceUrl.AttachAsync(host, change, new DeviceUrlRequest(AzureBlobHost.DefaultReadPolicy, TimeSpan.FromDays(365)), CancellationToken.None);

        Assert.Equal("connection string with a SAS", host.Credential);
        Assert.Equal("1.0.0", (await Verify()).Manifest.Version);
        Assert.Equal(DeviceUrlKind.Private, unsigned.DeviceUrl!.Kind);
        var warning = Assert.Single(unsigned.Warnings);
        Assert.Equal(DiagnosticCodes.DeviceUrlUnsigned, warning.Code);
        Assert.Contains("cannot sign a SAS", warning.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(accountSas.Split("sig=")[1], warning.Message + host.Display, StringComparison.Ordinal);

        await new BlobContainerClient(_azurite.ConnectionString, _address.Split('/')[^1], new BlobClientOptions(BlobClientOptions.ServiceVersion.V2026_06_06) { Transport = new HttpClientTransport(Http()) })
            .SetAccessPolicyAsync(PublicAccessType.Blob);
        var open = (await DeviceUrl.AttachAsync(host, change, new DeviceUrlRequest(AzureBlobHost.DefaultReadPolicy, TimeSpan.FromDays(365)), CancellationToken.None)).DeviceUrl!;

        Assert.Equal(DeviceUrlKind.Public, open.Kind);
        Assert.Empty(open.Warnings);
        Assert.Equal("", open.FirmwareUrl.Query);
        var device = await DeviceSim.GetAsync(open.FirmwareUrl, _azurite.CaPemFile);
        Assert.Equal(200, device.Status);
        Assert.Equal(change.Manifest.Firmware.Sha256, device.Sha256);
    }

    [Fact]
    public void Redaction_covers_signatures_keys_and_queries_wherever_they_appear()
    {
        Assert.Equal("https://a.blob.core.windows.net/c/x.bin?<redacted>", HostAddress.Redact("https://a.blob.core.windows.net/c/x.bin?sv=2026-06-06&sig=abc%2Bdef%3D"));
        Assert.Equal("sv=1&sr=c&sig=<redacted>&spr=https", HostAddress.RedactSecrets("sv=1&sr=c&sig=abc%2Bdef%3D&spr=https"));
        Assert.Equal("AccountName=a;AccountKey=<redacted>;BlobEndpoint=https://x", HostAddress.RedactSecrets("AccountName=a;AccountKey=Eby8vd+/==;BlobEndpoint=https://x"));
        Assert.Equal("BlobEndpoint=https://x;SharedAccessSignature=<redacted>", HostAddress.RedactSecrets("BlobEndpoint=https://x;SharedAccessSignature=sv=1"));
    }

    [Theory]
    [InlineData("azure://devstoreaccount1", "the container is missing")]
    [InlineData("azure://Dev/firmware", "not a storage account name")]
    [InlineData("azure://devstoreaccount1/fw", "not a container name")]
    [InlineData("azure://devstoreaccount1/firm--ware", "not a container name")]
    [InlineData("azure://devstoreaccount1/firmware/a/../b", "'..'")]
    public void Malformed_addresses_are_refused_before_any_request(string address, string why)
    {
        var e = Assert.Throws<EspReleaseException>(() => AzureBlobAddress.Parse(address));

        Assert.Equal(DiagnosticCodes.HostInvalid, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_prefix_keeps_releases_apart_in_one_container_and_the_device_URL_says_when_it_is_too_long()
    {
        var prefix = string.Join('/', Enumerable.Repeat("a-rather-long-folder-name-for-products", 9));
        var host = AzureBlobHost.Open($"{_address}/{prefix}", _azurite.Environment);
        var change = await ReleasePublisher.PublishAsync(host, Packed("1.0.0"), "stable", Options(), null, CancellationToken.None);

        var withUrl = await DeviceUrl.AttachAsync(host, change, new DeviceUrlRequest(AzureBlobHost.DefaultReadPolicy, TimeSpan.FromDays(30)), CancellationToken.None);

        Assert.Equal(["channels/stable.jws"], await host.ListAsync("channels/", CancellationToken.None));
        Assert.Empty(await _host.ListAsync("channels/", CancellationToken.None));
        Assert.Equal("1.0.0", (await ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None)).Manifest.Version);
        var url = withUrl.DeviceUrl!;
        Assert.True(url.FirmwareRequestLine >= 512, url.FirmwareRequestLine.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var warnings = withUrl.Warnings.Where(w => w.Code == DiagnosticCodes.RequestLineTooLong).ToList();
        Assert.Equal(2, warnings.Count);
        Assert.Contains($"for the channel pointer (GET <path>?<query> HTTP/1.1) is {url.ChannelRequestLine} bytes", warnings[0].Message, StringComparison.Ordinal);
        Assert.Contains($"for the firmware (GET <path>?<query> HTTP/1.1) is {url.FirmwareRequestLine} bytes", warnings[1].Message, StringComparison.Ordinal);
        Assert.All(warnings, w => Assert.Contains("Set .buffer_size_tx = 1024", w.Message, StringComparison.Ordinal));
        Assert.All(warnings, w => Assert.DoesNotContain("sig=", w.Message + w.File, StringComparison.Ordinal));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : null;

    private HttpClient Http() => _azurite.CreateHttpClient();
}
