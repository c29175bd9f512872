using System.Diagnostics;
using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>doctor on a serial log: the text report, the JSON document, stdin, exit codes and GitHub annotations.</summary>
public sealed class DoctorCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string Log(string text)
    {
        var path = _temp.Combine("ota.log");
        File.WriteAllText(path, text);
        return path;
    }

    private const string Failing = """
        I (5000) simple_ota_example: Starting OTA example task
        E (5012) esp-tls: couldn't get hostname for :ota.example.lan: getaddrinfo() returns 202, addrinfo=0x0
        E (5014) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT
        E (15176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700
        E (15180) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT
        E (25176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700
        E (25180) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT
        E (26000) app_main: sensor_read failed: 0x107
        """;

    [Fact]
    public async Task Text_names_each_cause_its_count_the_devices_lines_and_the_fix()
    {
        var (exit, stdout, stderr) = await CliRunner.Run("doctor", Log(Failing));

        Assert.Equal(2, exit);
        Assert.Contains("ESPR1968: the device could not resolve the host name ota.example.lan", stdout, StringComparison.Ordinal);
        Assert.Contains("ESPR1960 ×2: mbedtls refused", stdout, StringComparison.Ordinal);
        Assert.Contains("\n    E (15176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("  fix: `dotnet esp-release probe <url> --ca server_certs/ca_cert.pem`", stdout, StringComparison.Ordinal);
        Assert.Contains("Not explained:\n    E (26000) app_main: sensor_read failed: 0x107", stdout.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.EndsWith("2 failures found, 1 line not explained.", stdout.TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("error ESPR1960:", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_is_one_document_of_findings_unexplained_and_not_checked()
    {
        var (exit, stdout, _) = await CliRunner.Run("doctor", Log(Failing), "--json");

        Assert.Equal(2, exit);
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.False(root.GetProperty("ok").GetBoolean());
        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        Assert.Equal(["ESPR1968", "ESPR1960"], findings.Select(f => f.GetProperty("code").GetString()));
        var ca = findings[1];
        Assert.Equal(2, ca.GetProperty("count").GetInt32());
        Assert.Equal("error", ca.GetProperty("severity").GetString());
        Assert.False(ca.GetProperty("predicted").GetBoolean());
        Assert.False(ca.GetProperty("confirmed").GetBoolean());
        Assert.Equal(JsonValueKind.Null, ca.GetProperty("evidence").ValueKind);
        Assert.StartsWith("`dotnet esp-release probe", ca.GetProperty("fix").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, ca.GetProperty("lines").GetArrayLength());
        Assert.Single(root.GetProperty("unexplained").EnumerateArray());
        Assert.Empty(root.GetProperty("notChecked").EnumerateArray());
    }

    [Fact]
    public async Task A_log_of_a_good_update_exits_0()
    {
        var (exit, stdout, _) = await CliRunner.Run("doctor", Log("I (5600) esp_https_ota: Starting OTA...\nI (21400) simple_ota_example: OTA Succeed, Rebooting...\n"));

        Assert.Equal(0, exit);
        Assert.EndsWith("no OTA failure found.", stdout.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_log_is_a_usage_error()
    {
        var (exit, _, stderr) = await CliRunner.Run("doctor", _temp.Combine("missing.log"));

        Assert.Equal(1, exit);
        Assert.Contains("no such file", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitHub_annotations_name_the_log_and_the_line_and_outputs_carry_the_codes()
    {
        var output = _temp.Combine("github_output");
        File.WriteAllText(output, "");
        var log = Log(Failing);

        var (exit, _, stderr) = await CliRunner.RunProcess(new Dictionary<string, string?> { ["GITHUB_OUTPUT"] = output, ["GITHUB_WORKSPACE"] = null }, "doctor", log, "--diagnostics-format", "github");

        Assert.Equal(2, exit);
        Assert.Contains($"::error file={log},line=2,title=ESPR1968", stderr, StringComparison.Ordinal);
        var outputs = File.ReadAllText(output);
        Assert.Matches(@"findings<<\S+\n2\n", outputs);
        Assert.Matches(@"codes<<\S+\nESPR1968,ESPR1960\n", outputs);
    }

    [Fact]
    public async Task A_log_piped_in_is_read_from_stdin()
    {
        var start = CliRunner.ProcessStart(null, "doctor", "-");
        start.RedirectStandardInput = true;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        foreach (var line in Failing.Split('\n'))
        {
            await process.StandardInput.WriteLineAsync("\u001b[0;31m" + line + "\u001b[0m\r");
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.True(process.ExitCode == 2, await stderr);
        Assert.Contains("ESPR1960 ×2", await stdout, StringComparison.Ordinal);
        Assert.Contains("stdin: 2 failures found", await stdout, StringComparison.Ordinal);
    }
}
