using System.Globalization;
using EspRelease.Core.Doctor.DeviceLog;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>
/// Real-looking serial logs (boot noise, Wi-Fi chatter, colour codes, retries), each with the causes
/// it must yield in its sidecar <c>.expected</c>: code and count in order of first appearance, then
/// how many lines no rule explains.
/// </summary>
public sealed class DeviceLogCorpusTests
{
    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Doctor", "Logs");

    public static TheoryData<string> Logs() => [.. Directory.GetFiles(Folder, "*.log").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).Cast<string>()];

    [Theory]
    [MemberData(nameof(Logs))]
    public void Each_log_yields_its_expected_causes(string name)
    {
        var expected = File.ReadAllLines(Path.Combine(Folder, name + ".expected")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split(' ')).ToList();
        using var reader = new StreamReader(Path.Combine(Folder, name + ".log"));

        var report = DeviceLogDoctor.Diagnose(reader, name + ".log");

        var codes = expected.Where(e => e[0] != "unexplained").Select(e => $"{e[0]} x{e[1]}");
        Assert.Equal(codes, report.Findings.Select(f => $"{f.Code} x{f.Count}"));
        var unexplained = int.Parse(expected.Single(e => e[0] == "unexplained")[1], CultureInfo.InvariantCulture);
        Assert.True(unexplained == report.Unexplained.Count, string.Join('\n', report.Unexplained));
        Assert.All(report.Findings, f => Assert.NotEmpty(f.Lines));
        Assert.All(report.Findings, f => Assert.Equal(name + ".log", f.File));
    }

    [Fact]
    public void A_cause_met_on_every_retry_is_one_finding_quoting_each_distinct_line_once()
    {
        using var reader = new StreamReader(Path.Combine(Folder, "not-trusted-retries.log"));

        var finding = Assert.Single(DeviceLogDoctor.Diagnose(reader).Findings);

        Assert.Equal(3, finding.Count);
        Assert.Contains("NOT_TRUSTED", finding.Cause, StringComparison.Ordinal);
        Assert.Equal(finding.Lines.Count, finding.Lines.Select(l => l[(l.IndexOf(')', StringComparison.Ordinal) + 1)..]).Distinct().Count());
        Assert.StartsWith("E (5170) esp-tls: mbedtls_ssl_handshake returned -0x2700", finding.Lines[0], StringComparison.Ordinal);
        Assert.True(finding.Line > 20, "the first matched line of the file, for annotations");
    }

    [Fact]
    public void The_values_the_device_printed_are_in_the_cause()
    {
        using var dns = new StreamReader(Path.Combine(Folder, "dns-then-ca-x3.log"));
        using var image = new StreamReader(Path.Combine(Folder, "image-problems.log"));

        var dnsCause = DeviceLogDoctor.Diagnose(dns).Findings[0].Cause;
        var imageCauses = DeviceLogDoctor.Diagnose(image).Findings.Select(f => f.Cause).ToList();

        Assert.Contains("ota.example.lan", dnsCause, StringComparison.Ordinal);
        Assert.Contains("returns 202", dnsCause, StringComparison.Ordinal);
        Assert.Contains("built for ESP32;", imageCauses[0], StringComparison.Ordinal);
        Assert.Contains("the device is ESP32-S2", imageCauses[0], StringComparison.Ordinal);
        Assert.Contains("(1638656 bytes)", imageCauses[1], StringComparison.Ordinal);
        Assert.Contains("(1572864 bytes)", imageCauses[1], StringComparison.Ordinal);
    }
}
