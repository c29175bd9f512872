using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Certificates;

/// <summary>
/// Proves the device-side test tools: device-sim (Mbed TLS 2.28, as on an ESP32) downloading from TestHttpsServer
/// (Kestrel with a chosen chain), and device-sim's offline <c>verify</c> agreeing with what the handshake decided.
/// </summary>
public sealed class DeviceSimTests : IDisposable
{
    private const string NotTrusted = "The certificate is not correctly signed by the trusted CA";
    private const string CnMismatch = "The certificate Common Name (CN) does not match with the expected CN";

    private readonly TempDirectory _temp = new();
    private readonly X509Certificate2 _root;
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _leaf;
    private readonly string _served;
    private readonly byte[] _firmware;

    public DeviceSimTests()
    {
        _root = TestPki.CreateRoot("esp-release test root");
        _intermediate = TestPki.CreateIntermediate(_root, "esp-release test intermediate");
        _leaf = TestPki.CreateLeaf(_intermediate, "localhost", ["localhost", "127.0.0.1"], [IPAddress.Loopback, IPAddress.IPv6Loopback]);
        _served = _temp.Combine("www");
        Directory.CreateDirectory(_served);
        _firmware = RandomNumberGenerator.GetBytes(70_000);
        _firmware[0] = 0xE9;
        File.WriteAllBytes(Path.Combine(_served, "firmware.bin"), _firmware);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Get_over_IPv4_loopback_downloads_the_file_as_served()
    {
        await using var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback);
        var saved = _temp.Combine("saved.bin");

        var r = await DeviceSim.GetAsync(server.Url("firmware.bin"), Pem("root.pem", _root), outFile: saved);

        Assert.True(r.ExitCode == DeviceSim.ExitOk, r.ToString());
        Assert.StartsWith("https://127.0.0.1:", server.BaseUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(200, r.Status);
        Assert.Equal(_firmware.Length, r.ContentLength);
        Assert.Equal(_firmware.Length, r.Received);
        Assert.Equal(Sha256(_firmware), r.Sha256);
        Assert.Equal((byte)0xE9, r.FirstByte);
        Assert.Null(r.ContentEncoding);
        Assert.Null(r.ContentRange);
        Assert.Equal("application/octet-stream", r.ContentType);
        Assert.Null(r.Flags);
        Assert.Equal(_firmware, File.ReadAllBytes(saved));
    }

    [Fact]
    public async Task Get_over_IPv6_loopback_downloads_the_file_when_the_name_checked_is_a_DNS_SAN()
    {
        await using var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.IPv6Loopback);
        var ca = Pem("root.pem", _root);

        var r = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca, host: "localhost");

        Assert.True(r.ExitCode == DeviceSim.ExitOk, r.ToString());
        Assert.StartsWith("https://[::1]:", server.BaseUrl.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal(200, r.Status);
        Assert.Equal(_firmware.Length, r.Received);
        Assert.Equal(Sha256(_firmware), r.Sha256);

        // Mbed TLS 2.28 (ESP-IDF <= 5.1.1) never matches iPAddress SANs: the literal "::1" has no dNSName to match.
        var byAddress = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca);
        Assert.True(byAddress.ExitCode == DeviceSim.ExitVerifyFailed, byAddress.ToString());
        Assert.Equal(0x04u, byAddress.Flags);
        var offline = await DeviceSim.VerifyAsync(ca, Pem("chain.pem", _leaf, _intermediate), "::1");
        Assert.Equal(0x04u, offline.Flags);
    }

    [Fact]
    public async Task A_range_request_gets_206_with_just_those_bytes_and_an_unsatisfiable_one_416()
    {
        await using var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback);
        var ca = Pem("root.pem", _root);

        var r = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca, range: "0-15");

        Assert.True(r.ExitCode == DeviceSim.ExitOk, r.ToString());
        Assert.Equal(206, r.Status);
        Assert.Equal(16, r.ContentLength);
        Assert.Equal(16, r.Received);
        Assert.Equal($"bytes 0-15/{_firmware.Length}", r.ContentRange);
        Assert.Equal(Sha256(_firmware.AsSpan(0, 16).ToArray()), r.Sha256);

        var resume = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca, range: "1024-");
        Assert.Equal(206, resume.Status);
        Assert.Equal(Sha256(_firmware.AsSpan(1024).ToArray()), resume.Sha256);

        var beyond = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca, range: $"{_firmware.Length}-{_firmware.Length + 10}");
        Assert.True(beyond.ExitCode == DeviceSim.ExitHttpStatus, beyond.ToString());
        Assert.Equal(416, beyond.Status);
    }

    [Fact]
    public async Task Head_gets_200_and_the_length_without_a_body()
    {
        await using var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback);

        var r = await DeviceSim.GetAsync(server.Url("firmware.bin"), Pem("root.pem", _root), head: true);

        Assert.True(r.ExitCode == DeviceSim.ExitOk, r.ToString());
        Assert.Equal(200, r.Status);
        Assert.Equal(_firmware.Length, r.ContentLength);
        Assert.Equal(0, r.Received);
        Assert.Null(r.FirstByte);
    }

    [Fact]
    public async Task A_missing_file_is_a_404_exit_4()
    {
        await using var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback);

        var r = await DeviceSim.GetAsync(server.Url("missing.bin"), Pem("root.pem", _root));

        Assert.True(r.ExitCode == DeviceSim.ExitHttpStatus, r.ToString());
        Assert.Equal(404, r.Status);
    }

    [Fact]
    public async Task Trusting_only_the_leaf_fails_as_not_trusted_like_the_forum_report()
    {
        var (get, verify) = await BothAsync(trusted: [_leaf], sent: [_intermediate], host: "127.0.0.1");

        Assert.True(get.ExitCode == DeviceSim.ExitVerifyFailed, get.ToString());
        Assert.Equal(0x08u, get.Flags);
        Assert.Contains("flags: 0x00000008", get.Lines);
        Assert.Contains("E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x2700", get.Lines);
        Assert.Contains("I (esp-tls-mbedtls): Failed to verify peer certificate!", get.Lines);
        Assert.Contains(get.Lines, l => l.Contains(NotTrusted, StringComparison.Ordinal));
        Assert.Equal([NotTrusted], get.VerificationInfo);
        Assert.Null(get.Status);
        Assert.Equal(DeviceSim.ExitVerifyFailed, verify.ExitCode);
        Assert.Equal(get.Flags, verify.Flags);
        Assert.Equal(get.VerificationInfo, verify.VerificationInfo);
    }

    [Fact]
    public async Task A_server_that_omits_its_intermediate_fails_with_root_only_trust_but_not_with_the_intermediate_trusted()
    {
        await using (var leafOnly = await TestHttpsServer.StartAsync(_leaf, [], _served, IPAddress.Loopback))
        {
            Assert.Empty(leafOnly.IntermediatesSent);
        }

        var (get, verify) = await BothAsync(trusted: [_root], sent: [], host: "127.0.0.1");
        Assert.True(get.ExitCode == DeviceSim.ExitVerifyFailed, get.ToString());
        Assert.Equal(0x08u, get.Flags);
        Assert.Equal(get.Flags, verify.Flags);

        // A trusted intermediate is an anchor in Mbed TLS, so the same server passes when the device embeds it.
        var (anchored, anchoredOffline) = await BothAsync(trusted: [_intermediate], sent: [], host: "127.0.0.1");
        Assert.True(anchored.ExitCode == DeviceSim.ExitOk, anchored.ToString());
        Assert.Equal(Sha256(_firmware), anchored.Sha256);
        Assert.Equal(0u, anchoredOffline.Flags);
    }

    [Fact]
    public async Task The_full_chain_is_really_sent_and_passes_with_root_trust()
    {
        await using (var full = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback))
        {
            Assert.Equal([_intermediate.Thumbprint], full.IntermediatesSent.Select(c => c.Thumbprint));
        }

        var (get, verify) = await BothAsync(trusted: [_root], sent: [_intermediate], host: "127.0.0.1");

        Assert.True(get.ExitCode == DeviceSim.ExitOk, get.ToString());
        Assert.Equal(200, get.Status);
        Assert.True(verify.ExitCode == DeviceSim.ExitOk, verify.ToString());
        Assert.Equal(0u, verify.Flags);
    }

    [Fact]
    public async Task A_wrong_host_name_is_a_CN_mismatch_and_skip_cn_accepts_it()
    {
        var (get, verify) = await BothAsync(trusted: [_root], sent: [_intermediate], host: "ota.example.com");

        Assert.True(get.ExitCode == DeviceSim.ExitVerifyFailed, get.ToString());
        Assert.Equal(0x04u, get.Flags);
        Assert.Equal([CnMismatch], get.VerificationInfo);
        Assert.Equal(get.Flags, verify.Flags);

        var (skipped, skippedOffline) = await BothAsync(trusted: [_root], sent: [_intermediate], host: "ota.example.com", skipCn: true);
        Assert.True(skipped.ExitCode == DeviceSim.ExitOk, skipped.ToString());
        Assert.Equal(0u, skippedOffline.Flags);
    }

    [Fact]
    public async Task Expired_certificates_pass_as_on_a_device_without_a_clock_and_fail_with_check_dates()
    {
        var longAgo = DateTimeOffset.UtcNow.AddDays(-60);
        var root = TestPki.CreateRoot("old root", notBefore: longAgo);
        var intermediate = TestPki.CreateIntermediate(root, "old intermediate", notBefore: longAgo);
        var expired = TestPki.CreateLeaf(intermediate, "localhost", ["127.0.0.1"], notBefore: longAgo, notAfter: DateTimeOffset.UtcNow.AddDays(-1));

        var (get, verify) = await BothAsync(trusted: [root], sent: [intermediate], host: "127.0.0.1", leaf: expired);
        Assert.True(get.ExitCode == DeviceSim.ExitOk, get.ToString());
        Assert.Equal(0u, verify.Flags);

        var (dated, datedOffline) = await BothAsync(trusted: [root], sent: [intermediate], host: "127.0.0.1", leaf: expired, checkDates: true);
        Assert.True(dated.ExitCode == DeviceSim.ExitVerifyFailed, dated.ToString());
        Assert.Equal(0x01u, dated.Flags);
        Assert.Equal(dated.Flags, datedOffline.Flags);
    }

    [Fact]
    public async Task A_leaf_without_serverAuth_is_refused_as_mbedtls_ssl_check_cert_usage_does()
    {
        var clientOnly = TestPki.CreateLeaf(_intermediate, "localhost", ["127.0.0.1"], serverAuth: false);

        var (get, verify) = await BothAsync(trusted: [_root], sent: [_intermediate], host: "127.0.0.1", leaf: clientOnly);

        Assert.True(get.ExitCode == DeviceSim.ExitVerifyFailed, get.ToString());
        Assert.Equal(0x1000u, get.Flags);
        Assert.Equal(get.Flags, verify.Flags);
    }

    [Fact]
    public async Task A_leaf_without_digitalSignature_fails_offline_with_0x800_and_on_the_wire_already_at_the_server()
    {
        var noSignature = TestPki.CreateLeaf(_intermediate, "localhost", ["127.0.0.1"], digitalSignature: false);
        var ca = Pem("root.pem", _root);

        var verify = await DeviceSim.VerifyAsync(ca, Pem("chain.pem", noSignature, _intermediate), "127.0.0.1");
        await using var server = await TestHttpsServer.StartAsync(noSignature, [_intermediate], _served, IPAddress.Loopback);
        var get = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca);

        Assert.True(verify.ExitCode == DeviceSim.ExitVerifyFailed, verify.ToString());
        Assert.Equal(0x0800u, verify.Flags);
        Assert.Equal(["Usage does not match the keyUsage extension"], verify.VerificationInfo);
        // An EC key that may not sign cannot do ECDHE-ECDSA: the server (OpenSSL under .NET) ends the handshake with an
        // alert before the device gets to judge the certificate.
        Assert.True(get.ExitCode == DeviceSim.ExitConnectionFailed, get.ToString());
        Assert.Equal("handshake", get.Error);
    }

    [Fact]
    public async Task Nothing_listening_is_a_connection_failure_exit_3()
    {
        int port;
        await using (var server = await TestHttpsServer.StartAsync(_leaf, [_intermediate], _served, IPAddress.Loopback))
        {
            port = server.Port;
        }

        var r = await DeviceSim.GetAsync(new Uri($"https://127.0.0.1:{port}/firmware.bin"), Pem("root.pem", _root), timeoutMs: 2000);

        Assert.True(r.ExitCode == DeviceSim.ExitConnectionFailed, r.ToString());
        Assert.Contains(r.Lines, l => l.StartsWith("E (esp-tls): Failed to connect to host (errno ", StringComparison.Ordinal));
        Assert.Equal("connect", r.Error);
    }

    /// <summary>
    /// The same case twice: a download from a server sending <paramref name="sent"/> after the leaf (the URL host is
    /// 127.0.0.1, the name checked is <paramref name="host"/>), and the offline verify of that chain.
    /// </summary>
    private async Task<(DeviceSimResult Get, DeviceSimResult Verify)> BothAsync(
        X509Certificate2[] trusted,
        X509Certificate2[] sent,
        string host,
        bool skipCn = false,
        X509Certificate2? leaf = null,
        bool checkDates = false)
    {
        leaf ??= _leaf;
        var name = Guid.NewGuid().ToString("n");
        var ca = Pem($"{name}-ca.pem", trusted);
        var chain = Pem($"{name}-chain.pem", [leaf, .. sent]);
        DeviceSimResult get;
        await using (var server = await TestHttpsServer.StartAsync(leaf, sent, _served, IPAddress.Loopback))
        {
            get = await DeviceSim.GetAsync(server.Url("firmware.bin"), ca, host: host, skipCn: skipCn, checkDates: checkDates);
        }

        var verify = await DeviceSim.VerifyAsync(ca, chain, skipCn ? null : host, skipCn, checkDates);
        if (get.ExitCode == DeviceSim.ExitOk)
        {
            Assert.Equal(Sha256(_firmware), get.Sha256);
        }

        // Offline and on the wire must agree.
        Assert.True(get.Flags is null ? verify.Flags == 0 : verify.Flags == get.Flags, $"get:\n{get}\nverify:\n{verify}");
        return (get, verify);
    }

    private string Pem(string fileName, params X509Certificate2[] certificates)
    {
        var path = _temp.Combine(fileName);
        File.WriteAllText(path, TestPki.ToPem(certificates));
        return path;
    }

    private static string Sha256(byte[] data) => Convert.ToHexStringLower(SHA256.HashData(data));
}
