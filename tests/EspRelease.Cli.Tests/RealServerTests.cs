using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// ca check, ca fetch and probe against the servers users really run, not only Kestrel:
/// openssl s_server -WWW (ESP-IDF's OTA example; HTTP/1.0, no Content-Length, no HEAD, no Range),
/// Python's http.server in ssl (no Range) and nginx (everything). Each serves a real image with a
/// root → intermediate → leaf chain; device-sim (the device's mbedtls) fetches the same URL, so the
/// verdicts are checked against the device, not against what esp-release expects of itself.
/// </summary>
public sealed class RealServerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly X509Certificate2 _root = TestPki.CreateRoot("Real Server Root");
    private readonly X509Certificate2 _intermediate;
    private readonly X509Certificate2 _leaf;
    private readonly string _site;
    private readonly string _rootFile;
    private readonly string _firmwareSha256;

    public RealServerTests()
    {
        _intermediate = TestPki.CreateIntermediate(_root, "Real Server Issuing CA");
        _leaf = TestPki.CreateLeaf(_intermediate, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]);
        _site = _temp.Combine("site");
        Directory.CreateDirectory(_site);
        var firmware = Path.Combine(_site, "firmware.bin");
        File.Copy(Fixtures.Image("esp_idf_blink_esp32s2.bin"), firmware);
        _firmwareSha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(firmware)));
        _rootFile = _temp.Combine("root.pem");
        File.WriteAllText(_rootFile, TestPki.ToPem(_root));
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string, string[]> Servers => new()
    {
        // server, the warnings probe must give (partial download's needs the server does not meet)
        { "openssl", ["ESPR2671", "ESPR2920", "ESPR2675"] },
        { "python", ["ESPR2675"] },
        { "nginx", [] },
    };

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task The_device_and_esp_release_agree_on_each_server(string kind, string[] warnings)
    {
        await using var server = await StartAsync(kind);
        var url = server.Url("firmware.bin");

        var device = await DeviceSim.GetAsync(url, _rootFile, processTimeout: TimeSpan.FromSeconds(30));
        var check = await CliRunner.Run("ca", "check", _rootFile, "--url", url.ToString());
        var fetched = _temp.Combine($"{kind}.pem");
        var fetch = await CliRunner.Run("ca", "fetch", url.ToString(), "--trust", _rootFile, "--out", fetched);
        var probe = await CliRunner.Run("probe", url.ToString(), "--ca", _rootFile, "--timeout", "2", "--json");

        Assert.True(device.ExitCode == DeviceSim.ExitOk, $"{device}\n{server.Log}");
        Assert.Equal(_firmwareSha256, device.Sha256);
        Assert.True(check.Exit == 0, check.Err + server.Log);
        Assert.Contains("OK: the device accepts it", check.Out, StringComparison.Ordinal);
        Assert.True(fetch.Exit == 0, fetch.Err + server.Log);
        Assert.Equal([_root.Thumbprint], Core.Certificates.PemCertificates.ReadFile(fetched).Select(c => c.Certificate.Thumbprint));
        Assert.True(probe.Exit == 0, probe.Out + probe.Err + server.Log);
        using var doc = JsonDocument.Parse(probe.Out);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        var passed = doc.RootElement.GetProperty("checks").EnumerateArray().Where(c => c.GetProperty("passed").GetBoolean()).Select(c => c.GetProperty("name").GetString()).ToList();
        Assert.Contains("image", passed);
        Assert.Equal(warnings, doc.RootElement.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()));
    }

    [Fact]
    public async Task The_story_server_listening_on_IPv6_only_is_named_before_a_device_meets_it()
    {
        await using var server = await ExternalServer.OpenSslAsync(_site, _leaf, [_intermediate], IPAddress.IPv6Loopback);
        var url = new Uri($"https://127.0.0.1:{server.Port}/firmware.bin");

        var device = await DeviceSim.GetAsync(url, _rootFile, processTimeout: TimeSpan.FromSeconds(30));
        var probe = await CliRunner.Run("probe", url.ToString(), "--ca", _rootFile);

        Assert.Equal("connect", device.Error);
        Assert.True(probe.Exit == 3, probe.Err);
        Assert.Contains("the server listens on IPv6 only", probe.Err, StringComparison.Ordinal);
        Assert.Contains($"-accept 0.0.0.0:{server.Port}", probe.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_CA_against_openssl_gives_the_devices_verdict_and_a_fix_that_works()
    {
        await using var server = await ExternalServer.OpenSslAsync(_site, _leaf, [_intermediate]);
        var url = server.Url("firmware.bin");
        var wrong = _temp.Combine("wrong.pem");
        File.WriteAllText(wrong, TestPki.ToPem(TestPki.CreateRoot("Some Other Root")));

        var device = await DeviceSim.GetAsync(url, wrong, processTimeout: TimeSpan.FromSeconds(30));
        var check = await CliRunner.Run("ca", "check", wrong, "--url", url.ToString());

        Assert.Equal(DeviceSim.ExitVerifyFailed, device.ExitCode);
        Assert.Equal(2, check.Exit);
        Assert.Contains("not correctly signed by the trusted CA", check.Out, StringComparison.Ordinal);
        // The fix names the file judged and the --trust a private CA needs; run as written, it mends the file.
        var fix = System.Text.RegularExpressions.Regex.Match(check.Err, "`(esp-release ca fetch [^`]+)`").Groups[1].Value;
        Assert.Contains($"--out {wrong}", fix, StringComparison.Ordinal);
        Assert.Contains("--trust", fix, StringComparison.Ordinal);
        // "<the PEM of …>" is the user's part: the root that issued the server's chain.
        string[] args = [.. fix.Replace("esp-release ", "", StringComparison.Ordinal).Split(' ').TakeWhile(a => a != "--trust"), "--trust", _rootFile];
        var run = await CliRunner.Run(args);
        Assert.True(run.Exit == 0, run.Err);
        Assert.Equal(DeviceSim.ExitOk, (await DeviceSim.GetAsync(url, wrong, processTimeout: TimeSpan.FromSeconds(30))).ExitCode);
    }

    private Task<ExternalServer> StartAsync(string kind) => kind switch
    {
        "openssl" => ExternalServer.OpenSslAsync(_site, _leaf, [_intermediate]),
        "python" => ExternalServer.PythonAsync(_site, _leaf, [_intermediate]),
        _ => ExternalServer.NginxAsync(_site, _leaf, [_intermediate]),
    };
}
