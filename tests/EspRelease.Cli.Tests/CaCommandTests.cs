using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EspRelease.Core.Certificates;
using EspRelease.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace EspRelease.Cli.Tests;

/// <summary>
/// DESIGN.md's story on loopback: real Kestrel servers, the device's TLS library (device-sim on
/// mbedtls 2.28), and `ca check` / `ca fetch` predicting and fixing what the device sees.
/// </summary>
public sealed class CaCommandTests : IDisposable
{
    private const string NotSignedByTrustedCa = "I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA";
    private readonly TempDirectory _temp = new();
    private readonly string _project;
    private readonly string _site;

    public CaCommandTests()
    {
        _project = _temp.CopyTree(Path.Combine(Fixtures.Root, "idf-project", "simple_ota_example"), "project");
        _site = Path.Combine(_temp.Path, "site");
        Directory.CreateDirectory(_site);
        File.Copy(Path.Combine(Fixtures.SimpleOtaBuild, "blink.bin"), Path.Combine(_site, "blink.bin"));
    }

    private string CaFile => Path.Combine(_project, "server_certs", "ca_cert.pem");

    private static string FirmwareSha => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(Fixtures.SimpleOtaBuild, "blink.bin"))));

    public void Dispose() => _temp.Dispose();

    private string WritePem(string name, params X509Certificate2[] certificates)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, TestPki.ToPem(certificates));
        return path;
    }

    [Fact]
    public async Task A_regenerated_dev_server_certificate_fails_on_the_device_ca_check_predicts_it_and_ca_fetch_fixes_it()
    {
        // openssl req -x509 once, embedded in the firmware; then again, and the server now presents the new one.
        var embedded = TestPki.CreateLeaf(null, "127.0.0.1", isCa: true);
        var regenerated = TestPki.CreateLeaf(null, "127.0.0.1", isCa: true);
        File.WriteAllText(CaFile, TestPki.ToPem(embedded));
        await using var server = await TestHttpsServer.StartAsync(regenerated, [], _site, IPAddress.Loopback);
        var url = server.Url("blink.bin");

        var before = await DeviceSim.GetAsync(url, CaFile);
        Assert.Equal(DeviceSim.ExitVerifyFailed, before.ExitCode);
        Assert.Contains(NotSignedByTrustedCa, before.Lines);

        var check = await CliRunner.Run("ca", "check", "--url", url.ToString(), "--project", _project);
        Assert.True(check.Exit == 2, check.Out + check.Err);
        Assert.Contains(NotSignedByTrustedCa, check.Out, StringComparison.Ordinal);
        Assert.Contains("E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x2700", check.Out, StringComparison.Ordinal);
        Assert.Contains($"flags: 0x{before.Flags:x8} (MBEDTLS_X509_BADCERT_NOT_TRUSTED)", check.Out, StringComparison.Ordinal);
        Assert.Contains("ESPR1902", check.Err, StringComparison.Ordinal);
        Assert.Contains("regenerated", check.Err, StringComparison.Ordinal);

        var fetch = await CliRunner.Run("ca", "fetch", url.ToString(), "--project", _project, "--trust", WritePem("new-server.pem", regenerated));
        Assert.True(fetch.Exit == 0, fetch.Err);
        Assert.Contains("Verified: the device accepts", fetch.Out, StringComparison.Ordinal);

        var after = await DeviceSim.GetAsync(url, CaFile);
        Assert.True(after.ExitCode == DeviceSim.ExitOk, after.ToString());
        Assert.Equal(FirmwareSha, after.Sha256);
        Assert.Equal(0, (await CliRunner.Run("ca", "check", "--url", url.ToString(), "--project", _project)).Exit);
    }

    [Fact]
    public async Task A_leaf_exported_as_the_CA_fails_on_the_device_and_ca_fetch_writes_the_root_instead()
    {
        var root = TestPki.CreateRoot("Story Root", notAfter: DateTimeOffset.UtcNow.AddYears(6));
        var intermediate = TestPki.CreateIntermediate(root, "Story Issuing CA");
        var leaf = TestPki.CreateLeaf(intermediate, "127.0.0.1", dnsNames: ["127.0.0.1", "localhost"], ipAddresses: [IPAddress.Loopback]);
        File.WriteAllText(CaFile, TestPki.ToPem(leaf)); // what a browser's "export certificate" gives
        await using var server = await TestHttpsServer.StartAsync(leaf, [intermediate], _site, IPAddress.Loopback);
        var url = server.Url("blink.bin");

        var before = await DeviceSim.GetAsync(url, CaFile);
        var check = await CliRunner.Run("ca", "check", "--url", url.ToString(), "--project", _project, "--json");
        var fetch = await CliRunner.Run("ca", "fetch", url.ToString(), "--project", _project, "--trust", WritePem("root.pem", root), "--json");
        var after = await DeviceSim.GetAsync(url, CaFile);

        Assert.Equal(DeviceSim.ExitVerifyFailed, before.ExitCode);
        Assert.Contains(NotSignedByTrustedCa, before.Lines);
        Assert.True(check.Exit == 2, check.Out + check.Err);
        using (var doc = JsonDocument.Parse(check.Out))
        {
            Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
            Assert.Contains("not a CA", doc.RootElement.GetProperty("errors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.True(fetch.Exit == 0, fetch.Err);
        using (var doc = JsonDocument.Parse(fetch.Out))
        {
            var warning = Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray());
            Assert.Equal("ESPR2902", warning.GetProperty("code").GetString());
            Assert.Contains("within the devices' 10-year lifetime", warning.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        var written = PemCertificates.ReadFile(CaFile);
        Assert.Equal([root.Thumbprint], written.Select(c => c.Certificate.Thumbprint));
        Assert.StartsWith("# Subject: CN=Story Root", File.ReadAllText(CaFile), StringComparison.Ordinal);
        Assert.EndsWith("-----END CERTIFICATE-----\n", File.ReadAllText(CaFile), StringComparison.Ordinal);
        Assert.True(after.ExitCode == DeviceSim.ExitOk, after.ToString());
        Assert.Equal(FirmwareSha, after.Sha256);
    }

    [Fact]
    public async Task A_server_that_omits_its_intermediate_is_named_and_the_intermediate_is_added_only_with_a_warning()
    {
        var root = TestPki.CreateRoot("Gap Root");
        var intermediate = TestPki.CreateIntermediate(root, "Gap Issuing CA");
        var leaf = TestPki.CreateLeaf(intermediate, "localhost", dnsNames: ["localhost", "127.0.0.1"]);
        await using var server = await TestHttpsServer.StartAsync(leaf, [], _site, IPAddress.Loopback);
        var url = server.Url("blink.bin").ToString();
        var output = _temp.Combine("out.pem");

        var rootOnly = await CliRunner.Run("ca", "fetch", url, "--out", output, "--trust", WritePem("root.pem", root));
        var withIntermediate = await CliRunner.Run("ca", "fetch", url, "--out", output, "--trust", WritePem("both.pem", root, intermediate));

        Assert.True(rootOnly.Exit == 2, rootOnly.Out + rootOnly.Err);
        Assert.Contains("ESPR1908", rootOnly.Err, StringComparison.Ordinal);
        Assert.Contains("omits the intermediate", rootOnly.Err, StringComparison.Ordinal);
        Assert.True(withIntermediate.Exit == 0, withIntermediate.Err);
        Assert.Contains("ESPR2901", withIntermediate.Err, StringComparison.Ordinal);
        Assert.Equal([root.Thumbprint, intermediate.Thumbprint], PemCertificates.ReadFile(output).Select(c => c.Certificate.Thumbprint));
        var device = await DeviceSim.GetAsync(new Uri(url), output);
        Assert.True(device.ExitCode == DeviceSim.ExitOk, device.ToString());
    }

    [Fact]
    public async Task Ca_fetch_writes_nothing_when_the_device_would_still_refuse_the_server()
    {
        var root = TestPki.CreateRoot("Name Root");
        var leaf = TestPki.CreateLeaf(root, "ota.example", dnsNames: ["ota.example"]);
        await using var server = await TestHttpsServer.StartAsync(leaf, [], _site, IPAddress.Loopback);
        var caFile = _temp.Combine("ca.pem");
        File.WriteAllText(caFile, "the firmware's current CA file\n");

        var fetch = await CliRunner.Run("ca", "fetch", server.Url("blink.bin").ToString(), "--out", caFile, "--trust", WritePem("root.pem", root));
        var json = await CliRunner.Run("ca", "fetch", server.Url("blink.bin").ToString(), "--out", caFile, "--trust", WritePem("root.pem", root), "--json");

        // An error, not a warning, and the file the firmware embeds is left as it was.
        Assert.True(fetch.Exit == 2, fetch.Err);
        Assert.Contains("error ESPR1906", fetch.Err, StringComparison.Ordinal);
        Assert.Contains("was not written", fetch.Err, StringComparison.Ordinal);
        Assert.Contains("Common Name (CN) does not match", fetch.Err, StringComparison.Ordinal);
        Assert.Contains("NOT verified", fetch.Out, StringComparison.Ordinal);
        Assert.Equal("the firmware's current CA file\n", File.ReadAllText(caFile));
        Assert.Equal(2, json.Exit);
        using var doc = System.Text.Json.JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("written").GetBoolean());
        Assert.Equal("ESPR1906", doc.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task An_expired_server_certificate_passes_a_clockless_device_with_a_warning_and_fails_one_that_checks_dates()
    {
        var root = TestPki.CreateRoot("Dated Root");
        var leaf = TestPki.CreateLeaf(root, "127.0.0.1", dnsNames: ["127.0.0.1"], notBefore: DateTimeOffset.UtcNow.AddYears(-2), notAfter: DateTimeOffset.UtcNow.AddDays(-3));
        await using var server = await TestHttpsServer.StartAsync(leaf, [], _site, IPAddress.Loopback);
        var ca = WritePem("dated-root.pem", root);

        var clockless = await CliRunner.Run("ca", "check", ca, "--url", server.Url("blink.bin").ToString());
        var dated = await CliRunner.Run("ca", "check", ca, "--url", server.Url("blink.bin").ToString(), "--check-dates");
        var probe = await CliRunner.Run("probe", server.Url("blink.bin").ToString(), "--ca", ca);

        // Today's firmware (CONFIG_MBEDTLS_HAVE_TIME_DATE=n) accepts it, and is told what a dated one would do.
        Assert.True(clockless.Exit == 0, clockless.Err);
        Assert.Contains("warning ESPR2904", clockless.Err, StringComparison.Ordinal);
        Assert.Contains($"CN=127.0.0.1 expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-dd}", clockless.Err, StringComparison.Ordinal);
        Assert.Contains("The certificate validity has expired", clockless.Err, StringComparison.Ordinal);
        Assert.Equal(2, dated.Exit);
        Assert.Contains("ESPR1905", dated.Err, StringComparison.Ordinal);
        Assert.Contains("warning ESPR2904", probe.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ca_fetch_follows_redirects_and_covers_every_host()
    {
        var rootA = TestPki.CreateRoot("Front Root");
        var rootB = TestPki.CreateRoot("Storage Root");
        var leafB = TestPki.CreateLeaf(rootB, "localhost", dnsNames: ["localhost", "127.0.0.1"]);
        await using var storage = await TestHttpsServer.StartAsync(leafB, [], _site, IPAddress.Loopback);
        await using var front = await RedirectServer.StartAsync(TestPki.CreateLeaf(rootA, "127.0.0.1", dnsNames: ["127.0.0.1"]), storage.Url("blink.bin"));
        var output = _temp.Combine("both.pem");

        var partial = await CliRunner.Run("ca", "fetch", front.Url, "--out", output, "--trust", WritePem("a.pem", rootA));
        var both = await CliRunner.Run("ca", "fetch", front.Url, "--out", output, "--trust", WritePem("a.pem", rootA), "--trust", WritePem("b.pem", rootB));

        Assert.True(partial.Exit == 2, partial.Err);
        Assert.Contains(storage.BaseUrl.Authority, partial.Err, StringComparison.Ordinal);
        Assert.True(both.Exit == 0, both.Err);
        Assert.Equal([rootA.Thumbprint, rootB.Thumbprint], PemCertificates.ReadFile(output).Select(c => c.Certificate.Thumbprint));
        Assert.Equal(2, both.Out.Split('\n').Count(l => l.StartsWith("Verified: the device accepts", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Ca_check_on_a_built_image_catches_an_old_build_that_embeds_the_previous_CA()
    {
        var oldCa = TestPki.CreateRoot("Old Dev CA");
        var newCa = TestPki.CreateRoot("New Dev CA");
        var leaf = TestPki.CreateLeaf(newCa, "127.0.0.1", dnsNames: ["127.0.0.1"]);
        await using var server = await TestHttpsServer.StartAsync(leaf, [], _site, IPAddress.Loopback);
        var url = server.Url("blink.bin").ToString();

        var oldImage = ImageWithPem(TestPki.ToPem(oldCa), "old.bin");
        var newImage = ImageWithPem(TestPki.ToPem(newCa), "new.bin");
        var plainImage = _temp.Combine("plain.bin");
        File.Copy(Path.Combine(Fixtures.SimpleOtaBuild, "blink.bin"), plainImage);

        var stale = await CliRunner.Run("ca", "check", "--image", oldImage, "--url", url);
        var fresh = await CliRunner.Run("ca", "check", "--image", newImage, "--url", url);
        var none = await CliRunner.Run("ca", "check", "--image", plainImage, "--url", url);

        Assert.True(stale.Exit == 2, stale.Out + stale.Err);
        Assert.Contains("old build", stale.Err, StringComparison.Ordinal);
        Assert.True(fresh.Exit == 0, fresh.Err);
        Assert.Contains("OK: the device accepts it", fresh.Out, StringComparison.Ordinal);
        Assert.True(none.Exit == 2, none.Out + none.Err);
        Assert.Contains("ESPR1910", none.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dev_CA_persists_and_its_server_certificate_works_over_IPv4_and_IPv6_for_every_mbedtls_generation()
    {
        var caDir = _temp.Combine("dev-ca");
        var first = await CliRunner.Run("ca", "dev", "--ca-dir", caDir, "--project", _project, "--json");
        var second = await CliRunner.Run("ca", "dev", "--ca-dir", caDir, "--json");

        Assert.True(first.Exit == 0, first.Err);
        using var one = JsonDocument.Parse(first.Out);
        using var two = JsonDocument.Parse(second.Out);
        Assert.True(one.RootElement.GetProperty("created").GetBoolean());
        Assert.False(two.RootElement.GetProperty("created").GetBoolean());
        Assert.Equal(one.RootElement.GetProperty("caSha256").GetString(), two.RootElement.GetProperty("caSha256").GetString());
        Assert.Equal(one.RootElement.GetProperty("caSha256").GetString(), PemCertificates.ReadFile(CaFile).Single().Sha256);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(caDir, "ca.key.pem")));
        }

        var serverPem = File.ReadAllText(two.RootElement.GetProperty("serverCertificate").GetString()!);
        var keyPem = File.ReadAllText(two.RootElement.GetProperty("serverKey").GetString()!);
        using var server = X509Certificate2.CreateFromPem(serverPem, keyPem);
        var info = new CertificateInfo(server);
        foreach (var generation in Enum.GetValues<MbedTlsGeneration>())
        {
            Assert.True(MbedTlsVerifier.NameMatches(info, "127.0.0.1", generation), generation.ToString());
            Assert.True(MbedTlsVerifier.NameMatches(info, "::1", generation), generation.ToString());
        }

        foreach (var address in new[] { IPAddress.Loopback, IPAddress.IPv6Loopback })
        {
            await using var https = await TestHttpsServer.StartAsync(server, [], _site, address);
            var device = await DeviceSim.GetAsync(https.Url("blink.bin"), CaFile);
            Assert.True(device.ExitCode == DeviceSim.ExitOk, device.ToString());
            Assert.Equal(FirmwareSha, device.Sha256);
        }
    }

    // An app image whose data holds the PEM text, as EMBED_TXTFILES stores it.
    private string ImageWithPem(string pem, string name)
    {
        var text = System.Text.Encoding.ASCII.GetBytes(pem + "\0");
        var padded = new byte[(text.Length + 3) & ~3];
        text.CopyTo(padded, 0);
        var path = _temp.Combine(name);
        File.WriteAllBytes(path, new ImageBuilder().AppDescriptor("simple_ota", "1.0.0").Segment(0x3f001000, padded).Build());
        return path;
    }

    /// <summary>An HTTPS server that answers every GET and HEAD with a 302 to another URL (as a CDN or GitHub release does).</summary>
    private sealed class RedirectServer : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private RedirectServer(WebApplication app, string url)
        {
            _app = app;
            Url = url;
        }

        public string Url { get; }

        public static async Task<RedirectServer> StartAsync(X509Certificate2 certificate, Uri target)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l =>
            {
                l.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http1;
                l.UseHttps(certificate);
            }));
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.MapMethods("/{**path}", ["GET", "HEAD"], () => Microsoft.AspNetCore.Http.Results.Redirect(target.ToString()));
            await app.StartAsync();
            var bound = new Uri(app.Urls.First());
            return new RedirectServer(app, $"https://127.0.0.1:{bound.Port}/fw.bin");
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
