using System.Reflection;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor.DeviceLog;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>The rule table: each rule explains its own example inside a real boot log, codes are the doctor's, and values reach the cause.</summary>
public sealed class DeviceLogRuleTests
{
    private const string Boot = """
        rst:0x1 (POWERON_RESET),boot:0x13 (SPI_FAST_FLASH_BOOT)
        I (29) boot: ESP-IDF v5.1.2 2nd stage bootloader
        I (160) boot: Loaded app from partition at offset 0x10000
        I (620) wifi:wifi driver task: 3ffc1e4c, prio:23, stack:6656, core=0
        W (2310) wifi:<ba-add>idx:0 (ifx:0, 74:83:c2:11:22:33), tid:0, ssn:0, winSize:64
        I (3120) esp_netif_handlers: sta ip: 192.168.1.57, mask: 255.255.255.0, gw: 192.168.1.1
        I (5000) simple_ota_example: Starting OTA example task
        """;

    public static TheoryData<int> Rules() => [.. Enumerable.Range(0, DeviceLogRules.All.Count)];

    [Theory]
    [MemberData(nameof(Rules))]
    public void Each_rule_explains_its_example_in_a_log_of_its_own(int index)
    {
        var rule = DeviceLogRules.All[index];
        var log = $"{Boot}\n\u001b[0;31m{rule.Example}\u001b[0m\r\n";

        var report = DeviceLogDoctor.Diagnose(new StringReader(log), "device.log");

        var finding = Assert.Single(report.Findings);
        Assert.Equal(rule.Code, finding.Code);
        Assert.Equal(rule.Severity, finding.Severity);
        Assert.Equal(rule.Fix, finding.Fix);
        Assert.Equal([rule.Example], finding.Lines);
        Assert.Empty(report.Unexplained);
        Assert.DoesNotContain("{", finding.Cause, StringComparison.Ordinal);
        Assert.Same(rule, DeviceLogRules.Find(new DeviceLogLine(1, rule.Example, null, null, null, rule.Example))?.Rule);
    }

    [Fact]
    public void Every_rule_names_a_doctor_code_its_source_and_a_fix_and_the_log_only_codes_are_declared()
    {
        var codes = typeof(DiagnosticCodes).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToHashSet();
        Assert.All(DeviceLogRules.All, r =>
        {
            Assert.Contains(r.Code, codes);
            Assert.Matches(r.Severity == Severity.Error ? "^ESPR19[6-8][0-9]$" : "^ESPR296[0-9]$", r.Code);
            Assert.False(string.IsNullOrWhiteSpace(r.Source));
            Assert.Contains("dotnet esp-release", r.Fix + " dotnet esp-release", StringComparison.Ordinal);
            Assert.EndsWith(".", r.Cause, StringComparison.Ordinal);
        });
        Assert.Equal(DeviceLogRules.All.Count, DeviceLogRules.All.Select(r => r.Title).Distinct().Count());
    }

    [Theory]
    [InlineData(0x3c, "HTML or XML")]
    [InlineData(0x1f, "gzip")]
    [InlineData(0x7b, "JSON")]
    [InlineData(0x7f, "ELF")]
    [InlineData(0xff, "erased")]
    public void An_invalid_magic_byte_says_what_was_served(int first, string meaning)
    {
        var line = $"E (5520) esp_ota_ops: OTA image has invalid magic byte (expected 0xE9, saw 0x{first:x2})";

        var finding = Assert.Single(DeviceLogDoctor.Diagnose(new StringReader(line)).Findings);

        Assert.Equal(DiagnosticCodes.DeviceInvalidMagic, finding.Code);
        Assert.Contains(meaning, finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chip_id_that_is_text_says_a_page_was_served()
    {
        var finding = Assert.Single(DeviceLogDoctor.Diagnose(new StringReader("E (5530) esp_https_ota: Mismatch chip id, expected 9, found 18242")).Findings);

        Assert.Contains("\"BG\"", finding.Cause, StringComparison.Ordinal);
        Assert.Contains("ESP32-S3", finding.Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void Verification_info_after_0x2700_names_the_real_cause_and_two_flags_are_two_causes()
    {
        const string log = """
            E (5176) esp-tls-mbedtls: mbedtls_ssl_handshake returned -0x2700
            I (5180) esp-tls-mbedtls: Failed to verify peer certificate!
            D (5181) esp-tls-mbedtls: verification info:   ! The certificate Common Name (CN) does not match with the expected CN
              ! The certificate is not correctly signed by the trusted CA
            E (5193) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT
            """;

        var findings = DeviceLogDoctor.Diagnose(new StringReader(log)).Findings;

        Assert.Equal([DiagnosticCodes.DeviceNameMismatch, DiagnosticCodes.DeviceCaNotTrusted], findings.Select(f => f.Code));
        Assert.Equal(3, findings[0].Lines.Count);
        Assert.Equal(2, findings[1].Lines.Count);
    }

    [Fact]
    public void A_connection_error_alone_is_its_own_finding_and_after_a_cause_part_of_it()
    {
        var alone = DeviceLogDoctor.Diagnose(new StringReader("E (5193) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT")).Findings;
        var after = DeviceLogDoctor.Diagnose(new StringReader("E (5034) esp-tls: [sock=54] delayed connect error: Connection refused\nE (5035) esp_https_ota: Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT")).Findings;

        Assert.Equal(DiagnosticCodes.DeviceHttpConnect, Assert.Single(alone).Code);
        Assert.Equal(DiagnosticCodes.DeviceConnectionRefused, Assert.Single(after).Code);
    }
}
