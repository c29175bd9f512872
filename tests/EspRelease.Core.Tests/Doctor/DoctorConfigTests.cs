using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>Failure 3 of the story: verification switched off in sdkconfig; and a project whose URL is unknown.</summary>
public sealed class DoctorConfigTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Failure_3_verification_switched_off_in_sdkconfig_is_predicted_with_the_command_that_turns_it_off()
    {
        // A URL no one listens on: the switches are found without a server.
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Config Root"), "FROM_STDIN",
            ["CONFIG_ESP_TLS_INSECURE=y", "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y"]);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        Assert.Equal(2, report.Findings.Count(f => f.Code == DiagnosticCodes.DeviceVerificationOff));
        var skip = Assert.Single(report.Findings, f => f.Cause.Contains("CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y", StringComparison.Ordinal));
        Assert.True(skip.Predicted && skip.Confirmed);
        Assert.Contains("dotnet esp-release sdkconfig set ESP_TLS_SKIP_SERVER_CERT_VERIFY n", skip.Fix, StringComparison.Ordinal);
        Assert.Equal(Path.Combine(project, "sdkconfig"), skip.File);
    }

    [Fact]
    public async Task Without_a_firmware_URL_the_network_checks_are_named_as_skipped()
    {
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Config Root"), "FROM_STDIN");

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        Assert.Empty(report.Findings);
        Assert.Empty(report.NotChecked);
        var skipped = Assert.Single(report.Skipped, s => s.StartsWith("no firmware URL", StringComparison.Ordinal));
        Assert.Contains("FROM_STDIN", skipped, StringComparison.Ordinal);
        Assert.Contains("address family", skipped, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_SAS_header_and_a_request_line_longer_than_buffer_size_tx_are_found_in_the_sources()
    {
        var source = DoctorProject.PlainSource.Replace(".keep_alive_enable = true,", ".keep_alive_enable = true,\n        .buffer_size_tx = 256,", StringComparison.Ordinal)
            + "\nvoid auth(esp_http_client_handle_t client) { esp_http_client_set_header(client, \"Authorization\", \"SharedAccessSignature sv=2025-01-05&sr=b&sig=c2VjcmV0\"); }\n";
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Config Root"), "FROM_STDIN", source: source);
        var options = DoctorProject.Options(project) with { Url = new Uri("https://127.0.0.1:1/" + new string('a', 300) + ".bin") };

        var report = await ProjectDoctor.PredictAsync(options with { Url = null }, CancellationToken.None);
        var sas = Assert.Single(report.Findings);
        Assert.Equal(DiagnosticCodes.DeviceAzureAuthentication, sas.Code);
        Assert.Equal(["E (esp_https_ota): File not found(403)"], sas.Lines);
        Assert.DoesNotContain("c2VjcmV0", sas.Evidence + sas.Cause + sas.Fix, StringComparison.Ordinal);

        var line = ProjectChecksFor(options);
        Assert.Contains("256-byte", (await line).Cause, StringComparison.Ordinal);
    }

    private static async Task<DoctorFinding> ProjectChecksFor(DoctorOptions options)
    {
        var report = await ProjectDoctor.PredictAsync(options, CancellationToken.None);
        return Assert.Single(report.Findings, f => f.Code == DiagnosticCodes.DeviceRequestTooLong);
    }
}
