using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>probe against a real Kestrel server holding a published folder host: what passes, and each problem in the device's words.</summary>
public sealed class ProbeCommandTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly X509Certificate2 _root = TestPki.CreateRoot("Probe Root");
    private TestHttpsServer? _server;
    private string _caFile = "";
    private string _publicKey = "";
    private ChannelChange? _published;

    private string Site => _temp.Combine("site");

    private TestHttpsServer Server => _server!;

    public async Task InitializeAsync()
    {
        _caFile = _temp.Combine("ca.pem");
        File.WriteAllText(_caFile, TestPki.ToPem(_root));
        _publicKey = _temp.Combine("key.pub.pem");
        File.WriteAllText(_publicKey, _key.PublicKey.ExportPem());
        var release = ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, "2.0.0"),
            OutputDirectory = _temp.Combine("release"),
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
        _published = await ReleasePublisher.PublishAsync(new Core.Hosts.DirectoryHost(Site), release, "stable",
            new ChannelOptions { Key = _key, Created = release.Manifest.Created }, null, CancellationToken.None);
        _server = await TestHttpsServer.StartAsync(TestPki.CreateLeaf(_root, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]), [], Site, IPAddress.Loopback);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    public void Dispose() => _temp.Dispose();

    private string FirmwareFile => Path.Combine(Site, "releases", "blink", "2.0.0", "blink-2.0.0-esp32s2.bin");

    [Fact]
    public async Task A_published_channel_passes_every_check_the_device_makes()
    {
        var (exit, stdout, stderr) = await CliRunner.Run("probe", Server.Url("channels/stable.jws").ToString(), "--ca", _caFile, "--key", _publicKey, "--json");

        Assert.True(exit == 0, stdout + stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("2.0.0", doc.RootElement.GetProperty("version").GetString());
        Assert.Equal(_key.KeyId, doc.RootElement.GetProperty("signedBy").GetString());
        var passed = doc.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Equal(["request line", "TLS", "GET", "signature", "request line", "TLS", "GET", "Content-Length", "magic", "image", "size and SHA-256", "chip", "HEAD", "Range"], passed);
        Assert.Empty(doc.RootElement.GetProperty("errors").EnumerateArray());
        Assert.Equal("../releases/blink/2.0.0/blink-2.0.0-esp32s2.bin", _published!.Manifest.Firmware.Path);
    }

    [Fact]
    public async Task A_firmware_replaced_after_signing_is_caught_against_the_manifest()
    {
        var bytes = File.ReadAllBytes(FirmwareFile);
        File.WriteAllBytes(FirmwareFile, [.. bytes, .. new byte[16]]);

        var (exit, stdout, stderr) = await CliRunner.Run("probe", Server.Url("channels/stable.jws").ToString(), "--ca", _caFile, "--key", _publicKey);

        Assert.Equal(2, exit);
        Assert.Contains("FAIL  size and SHA-256: ESPR1674", stdout, StringComparison.Ordinal);
        Assert.Contains("the manifest says", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_wrong_CA_stops_at_the_handshake_with_the_device_log()
    {
        var other = _temp.Combine("other.pem");
        File.WriteAllText(other, TestPki.ToPem(TestPki.CreateRoot("Some Other Root")));

        var (exit, stdout, stderr) = await CliRunner.Run("probe", Server.Url("channels/stable.jws").ToString(), "--ca", other);

        Assert.Equal(2, exit);
        Assert.Contains("device: E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x2700", stdout, StringComparison.Ordinal);
        Assert.Contains("device: I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA", stdout, StringComparison.Ordinal);
        Assert.Contains("ESPR1902", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("HEAD", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_and_an_error_page_saved_as_firmware_are_named()
    {
        File.WriteAllText(Path.Combine(Site, "error.bin"), "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body></body></html>");

        var missing = await CliRunner.Run("probe", Server.Url("nothing.bin").ToString(), "--ca", _caFile);
        var html = await CliRunner.Run("probe", Server.Url("error.bin").ToString(), "--ca", _caFile);

        Assert.Equal(2, missing.Exit);
        Assert.Contains("device: E (esp_https_ota): File not found(404)", missing.Out, StringComparison.Ordinal);
        Assert.Contains("ESPR1670", missing.Err, StringComparison.Ordinal);
        Assert.Equal(2, html.Exit);
        Assert.Contains("invalid magic byte (expected 0xE9, saw 0x3c)", html.Out, StringComparison.Ordinal);
        Assert.Contains("502 Bad Gateway", html.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_URL_too_long_for_the_transmit_buffer_fails_before_anything_is_sent()
    {
        var longQuery = "sv=2025-11-05&sig=" + new string('A', 600);

        var (exit, stdout, stderr) = await CliRunner.Run("probe", Server.Url("channels/stable.jws?" + longQuery).ToString(), "--ca", _caFile);

        Assert.Equal(2, exit);
        Assert.Contains("device: E (HTTP_CLIENT): Out of buffer", stdout, StringComparison.Ordinal);
        Assert.Contains("buffer_size_tx = 1024", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", stdout + stderr, StringComparison.Ordinal);
    }
}
