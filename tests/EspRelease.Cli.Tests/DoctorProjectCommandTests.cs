using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// doctor with the project at hand, through the command line: the story's failures on loopback, named
/// from `--project` alone before flashing (with the line the device would print) and confirmed for the
/// device's own log, and the exit codes of each outcome.
/// </summary>
public sealed class DoctorProjectCommandTests : IDisposable
{
    private const string CaLog = """
        I (4120) simple_ota_example: Starting OTA example task
        E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700
        I (5177) esp-tls-mbedtls: Failed to verify peer certificate!
        I (5178) esp-tls-mbedtls: verification info: The certificate is not correctly signed by the trusted CA
        E (5180) esp-tls: Failed to open new connection
        E (5182) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT
        """;

    private readonly TempDirectory _temp = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _serverRoot = TestPki.CreateRoot("Doctor CLI Server Root");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Failure_1_is_predicted_from_the_project_and_confirmed_for_the_log()
    {
        await using var server = await TestHttpsServer.StartAsync(
            TestPki.CreateLeaf(_serverRoot, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]), [], DoctorProject.Site(_temp), IPAddress.Loopback);
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor CLI Embedded Root"), server.Url("fw.bin").AbsoluteUri);
        var log = _temp.Combine("ota.log");
        File.WriteAllText(log, CaLog);

        var predicted = await CliRunner.Run("doctor", "--project", project);
        var confirmed = await CliRunner.Run("doctor", log, "--project", project, "--json");

        Assert.Equal(2, predicted.Exit);
        Assert.Contains("ESPR1960", predicted.Out, StringComparison.Ordinal);
        Assert.Contains("    I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA", predicted.Out, StringComparison.Ordinal);
        Assert.Contains("Doctor CLI Server Root", predicted.Out, StringComparison.Ordinal);
        Assert.Equal(2, confirmed.Exit);
        var finding = Assert.Single(JsonDocument.Parse(confirmed.Out).RootElement.GetProperty("findings").EnumerateArray(), f => f.GetProperty("code").GetString() == "ESPR1960");
        Assert.True(finding.GetProperty("confirmed").GetBoolean());
        Assert.False(finding.GetProperty("predicted").GetBoolean());
        Assert.Contains("Doctor CLI Server Root", finding.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_2_an_IPv6_only_listener_behind_an_IPv4_URL_is_errno_113_before_flashing()
    {
        Assert.True(Socket.OSSupportsIPv6, "this machine has no IPv6, so a server on ::1 cannot be started");
        var listener = Ipv6OnlyListener.Start();
        try
        {
            var port = listener.Port;
            var project = DoctorProject.Create(_temp, _serverRoot, $"https://127.0.0.1:{port}/fw.bin");

            var (exit, stdout, stderr) = await CliRunner.Run("doctor", "--project", project, "--diagnostics-format", "github");

            var log = _temp.Combine("ota.log");
            File.WriteAllText(log, "E (5034) esp-tls: Failed to connnect to host (errno 113)\nE (5038) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT\n");
            var confirmed = await CliRunner.Run("doctor", log, "--project", project, "--json");

            Assert.Equal(2, exit);
            Assert.Contains("E (esp-tls): Failed to connnect to host (errno 113)", stdout, StringComparison.Ordinal);
            var finding = Assert.Single(JsonDocument.Parse(confirmed.Out).RootElement.GetProperty("findings").EnumerateArray());
            Assert.Equal("ESPR1964", finding.GetProperty("code").GetString());
            Assert.True(finding.GetProperty("confirmed").GetBoolean(), confirmed.Out);
            Assert.Contains($"IPv6 [::1]:{port} accepted", stdout, StringComparison.Ordinal);
            Assert.Contains("::error ", stderr, StringComparison.Ordinal);
            Assert.Contains("title=ESPR1964::", stderr, StringComparison.Ordinal);
        }
        finally
        {
            listener.Dispose();
        }
    }

    [Fact]
    public async Task Failure_3_verification_switched_off_in_sdkconfig_is_named_with_the_fix()
    {
        var project = DoctorProject.Create(_temp, _serverRoot, "FROM_STDIN", ["CONFIG_ESP_TLS_INSECURE=y", "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y"]);

        var (exit, stdout, _) = await CliRunner.Run("doctor", "--project", project);

        Assert.Equal(2, exit);
        Assert.Contains("ESPR1983", stdout, StringComparison.Ordinal);
        Assert.Contains("dotnet esp-release sdkconfig set", stdout, StringComparison.Ordinal);
        Assert.Contains("skipped: ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_down_is_not_checked_exit_3_and_a_missing_project_is_a_usage_error()
    {
        var port = FreePort();
        var project = DoctorProject.Create(_temp, _serverRoot, $"https://127.0.0.1:{port}/fw.bin");

        var down = await CliRunner.Run("doctor", "--project", project);
        var missing = await CliRunner.Run("doctor", "--project", _temp.Combine("no-such-project"));
        var badUrl = await CliRunner.Run("doctor", "--project", project, "--url", "ftp://x/fw.bin");

        Assert.Equal(3, down.Exit);
        Assert.Contains("not checked: ", down.Out, StringComparison.Ordinal);
        Assert.Equal(1, missing.Exit);
        Assert.Contains("--project names no directory", missing.Err, StringComparison.Ordinal);
        Assert.Equal(1, badUrl.Exit);
        Assert.Contains("--url expects", badUrl.Err, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
