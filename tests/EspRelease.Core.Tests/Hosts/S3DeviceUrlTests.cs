using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts;

/// <summary>
/// What a device downloads from an S3 host: presigned GETs from a private bucket (device-sim, the
/// ESP32's Mbed TLS client, with the CA the firmware would embed), object URLs from a public one, the
/// 7-day limit said with its date, and the request line held to esp_http_client's buffer.
/// </summary>
[Collection(S3rverTestGroup.Name)]
public sealed class S3DeviceUrlTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly S3rverFixture _fixture;
    private readonly string _prefix = $"d-{Guid.NewGuid():n}";

    public S3DeviceUrlTests(S3rverFixture fixture) => _fixture = fixture;

    public void Dispose() => _temp.Dispose();

    private S3Host Open(S3rver server, Func<string, string?>? environment = null) =>
        S3Host.Open($"s3://{server.Bucket}/{_prefix}", environment ?? server.Environment, S3HostTests.TestOptions(server));

    private Task<ChannelChange> Publish(S3Host host) =>
        ReleasePublisher.PublishAsync(host, ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, "1.0.0", appBytes: 200 * 1024),
            OutputDirectory = _temp.Combine("rel"),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1764072000),
        }), "stable", new ChannelOptions { Key = _key, Created = DateTimeOffset.FromUnixTimeSeconds(1764072001) }, null, CancellationToken.None);

    private static string Firmware(ChannelChange change) => HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path);

    [Fact]
    public async Task From_a_private_bucket_a_device_downloads_pointer_and_firmware_through_presigned_URLs_that_last_7_days_and_say_so()
    {
        using var host = Open(_fixture.Aws);
        var change = await Publish(host);
        var before = DateTimeOffset.UtcNow;

        var url = await host.GetDeviceUrlAsync(change.PointerPath, Firmware(change), new DeviceUrlRequest("", TimeSpan.FromDays(365)), CancellationToken.None);

        Assert.Equal(DeviceUrlKind.Presigned, url.Kind);
        Assert.False(url.FirmwareUrlDerivable);
        Assert.InRange(url.ExpiresOn!.Value, before.AddDays(7).AddMinutes(-2), DateTimeOffset.UtcNow.AddDays(7));
        Assert.True(int.Parse(System.Web.HttpUtility.ParseQueryString(url.ChannelUrl.Query)["X-Amz-Expires"]!, System.Globalization.CultureInfo.InvariantCulture) <= 604800);
        var expiry = Assert.Single(url.Warnings, w => w.Code == DiagnosticCodes.S3PresignedUrlExpires);
        Assert.Contains($"stops working on {url.ExpiresOn:yyyy-MM-dd HH:mm} UTC", expiry.Message, StringComparison.Ordinal);
        Assert.Contains("7 days at most (not the 365 days asked for)", expiry.Message, StringComparison.Ordinal);
        Assert.Contains("CDN", expiry.Message, StringComparison.Ordinal);
        Assert.Contains(url.Warnings, w => w.Code == DiagnosticCodes.S3PresignedFirmwareUrl);
        Assert.DoesNotContain(url.Warnings, w => w.Code == DiagnosticCodes.RequestLineTooLong);
        Assert.DoesNotContain("X-Amz-Signature", string.Join('\n', url.Warnings.Select(w => w.Message)) + url.Redacted + url, StringComparison.Ordinal);

        var pointer = await DeviceSim.GetAsync(url.ChannelUrl, _fixture.Aws.CaPemFile);
        Assert.True(pointer.ExitCode == DeviceSim.ExitOk, pointer.ToString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData((await host.ReadAsync(change.PointerPath, CancellationToken.None))!.Content)), pointer.Sha256);
        var firmware = await DeviceSim.GetAsync(url.FirmwareUrl, _fixture.Aws.CaPemFile);
        Assert.True(firmware.ExitCode == DeviceSim.ExitOk, firmware.ToString());
        Assert.Equal((change.Manifest.Firmware.Size, change.Manifest.Firmware.Sha256), (firmware.ContentLength, firmware.Sha256));
        Assert.Equal("application/octet-stream", firmware.ContentType);

        // Without the signature the private bucket refuses the device; with the pointer's query on the firmware's path, too.
        var bare = await DeviceSim.GetAsync(new Uri(url.ChannelUrl.GetLeftPart(UriPartial.Path)), _fixture.Aws.CaPemFile);
        Assert.Equal(403, bare.Status);
        var borrowed = await DeviceSim.GetAsync(new Uri(url.FirmwareUrl.GetLeftPart(UriPartial.Path) + url.ChannelUrl.Query), _fixture.Aws.CaPemFile);
        Assert.Equal(403, borrowed.Status);
    }

    [Fact]
    public async Task From_a_public_bucket_the_device_URL_is_the_object_URL_without_a_signature_or_an_expiry()
    {
        await using var server = await S3rver.StartAsync(_temp.Combine("public"), S3rverMode.AwsPublic);
        using var host = Open(server);
        var change = await Publish(host);

        var url = await host.GetDeviceUrlAsync(change.PointerPath, Firmware(change), new DeviceUrlRequest("", TimeSpan.FromDays(365)), CancellationToken.None);

        Assert.Equal(DeviceUrlKind.Public, url.Kind);
        Assert.True(url.FirmwareUrlDerivable);
        Assert.Null(url.ExpiresOn);
        Assert.Empty(url.Warnings);
        Assert.Equal($"{server.Endpoint}{server.Bucket}/{_prefix}/channels/stable.jws", url.ChannelUrl.AbsoluteUri);
        var firmware = await DeviceSim.GetAsync(url.FirmwareUrl, server.CaPemFile);
        Assert.True(firmware.ExitCode == DeviceSim.ExitOk, firmware.ToString());
        Assert.Equal(change.Manifest.Firmware.Sha256, firmware.Sha256);
    }

    [Fact]
    public async Task A_presigned_URL_with_a_session_token_is_too_long_for_the_default_transmit_buffer_and_that_is_said()
    {
        var token = new string('T', 900);
        using var host = Open(_fixture.Aws, name => name == "AWS_SESSION_TOKEN" ? token : _fixture.Aws.Environment(name));

        var url = await host.GetDeviceUrlAsync("channels/stable.jws", "releases/blink/1.0.0/blink.bin", new DeviceUrlRequest("", TimeSpan.FromDays(1)), CancellationToken.None);

        var tooLong = url.Warnings.Where(w => w.Code == DiagnosticCodes.RequestLineTooLong).ToList();
        Assert.Equal(2, tooLong.Count);
        Assert.All(tooLong, w => Assert.Contains(".buffer_size_tx = 2048", w.Message, StringComparison.Ordinal));
        Assert.True(DeviceUrl.RequestLineLength(url.FirmwareUrl) > 1024);
        Assert.DoesNotContain(token, string.Join('\n', url.Warnings.Select(w => w.Message)), StringComparison.Ordinal);
        Assert.DoesNotContain("(not the", Assert.Single(url.Warnings, w => w.Code == DiagnosticCodes.S3PresignedUrlExpires).Message, StringComparison.Ordinal);
    }
}
