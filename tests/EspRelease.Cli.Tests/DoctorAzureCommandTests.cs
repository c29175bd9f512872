using System.Text.Json;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Failure 4 of the story end to end through the command line, on Azurite over HTTPS: the firmware
/// sends its SAS as an Authorization header. From the project alone the doctor predicts the 403; from
/// the device's own log ("File not found(403)", all esp_https_ota prints) it confirms the cause.
/// </summary>
[Collection(CliAzuriteTestGroup.Name)]
public sealed class DoctorAzureCommandTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Failure_4_a_SAS_in_a_header_is_predicted_and_the_devices_403_confirmed()
    {
        var firmware = (await AzuriteRelease.PublishAsync(fixture.Azurite, _temp, SigningKey.Generate(), "doctorcli")).FirmwareUrl;
        var sas = firmware.Query.TrimStart('?');
        var source = DoctorProject.PlainSource.Replace("esp_https_ota(&ota_config);",
            $"esp_http_client_set_header(client, \"Authorization\", \"SharedAccessSignature {sas}\");\n    esp_https_ota(&ota_config);", StringComparison.Ordinal);
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(fixture.Azurite.CaPemFile);
        var project = DoctorProject.Create(_temp, ca, firmware.GetLeftPart(UriPartial.Path), source: source);
        var log = _temp.Combine("ota.log");
        File.WriteAllText(log, """
            I (4120) simple_ota_example: Starting OTA example task
            E (5410) esp_https_ota: File not found(403)
            E (5411) esp_https_ota: Failed to establish HTTP connection
            E (5412) simple_ota_example: Firmware upgrade failed
            """);

        var predicted = await CliRunner.Run("doctor", "--project", project);
        var confirmed = await CliRunner.Run("doctor", log, "--project", project, "--json");

        Assert.Equal(2, predicted.Exit);
        Assert.Contains("ESPR1971", predicted.Out, StringComparison.Ordinal);
        Assert.Contains("    E (esp_https_ota): File not found(403)", predicted.Out, StringComparison.Ordinal);
        Assert.Equal(2, confirmed.Exit);
        var finding = Assert.Single(JsonDocument.Parse(confirmed.Out).RootElement.GetProperty("findings").EnumerateArray());
        Assert.Equal("ESPR1970", finding.GetProperty("code").GetString());
        Assert.True(finding.GetProperty("confirmed").GetBoolean(), confirmed.Out);
        Assert.Contains("→ 403", finding.GetProperty("evidence").GetString(), StringComparison.Ordinal);
        // The signature never reaches the report.
        var signature = sas.Split("sig=")[1].Split('&')[0];
        Assert.DoesNotContain(signature, predicted.Out + predicted.Err + confirmed.Out + confirmed.Err, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.UnescapeDataString(signature), predicted.Out + confirmed.Out, StringComparison.Ordinal);
    }
}
