using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Core.Signing;
using EspRelease.Core.Tests.Hosts;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>
/// Failure 4 of the story on a real Azurite over HTTPS: the firmware's main/*.c sends the SAS as
/// "Authorization: SharedAccessSignature …". The doctor finds it in the sources and asks Azurite both
/// ways: the token in the query is served, the same token in the header gets 403.
/// </summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class DoctorAzureTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Failure_4_a_SAS_sent_as_an_Authorization_header_is_predicted_and_confirmed_against_Azurite()
    {
        var firmware = (await AzuriteRelease.PublishAsync(fixture.Azurite, _temp, _key, "doctor")).FirmwareUrl;
        var sas = firmware.Query.TrimStart('?');
        var source = DoctorProject.PlainSource.Replace("esp_https_ota(&ota_config);",
            $"esp_http_client_set_header(client, \"Authorization\", \"SharedAccessSignature {sas}\");\n    esp_https_ota(&ota_config);", StringComparison.Ordinal);
        var ca = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(fixture.Azurite.CaPemFile);
        var project = DoctorProject.Create(_temp, ca, firmware.GetLeftPart(UriPartial.Path), source: source);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(DiagnosticCodes.DeviceAzureAuthentication, finding.Code);
        Assert.True(finding.Predicted && finding.Confirmed);
        Assert.Equal(["E (esp_https_ota): File not found(403)"], finding.Lines);
        Assert.True(finding.Evidence!.Contains("the SAS in the query → 206", StringComparison.Ordinal), finding.Evidence);
        // Azure says AuthenticationFailed; Azurite, for the same request, AuthorizationFailure: the evidence says what was seen.
        Assert.True(finding.Evidence.Contains("Authorization header → 403 AuthorizationFailure", StringComparison.Ordinal), finding.Evidence);
        Assert.Contains("dotnet esp-release sdkconfig url", finding.Fix, StringComparison.Ordinal);
        Assert.Empty(report.NotChecked);
        var signature = sas.Split("sig=")[1].Split('&')[0];
        Assert.DoesNotContain(signature, finding.Cause + finding.Fix + finding.Evidence, StringComparison.Ordinal);

        var fromLog = DoctorProject.FromLog(DiagnosticCodes.DeviceAzureAuthentication, "Blob Storage refused the request: 403 AuthenticationFailed.", "E (esp_https_ota): File not found(403)");
        var confirmed = await FindingConfirmer.ConfirmAsync(fromLog, DoctorProject.Options(project), CancellationToken.None);
        Assert.True(confirmed.Confirmed);
        Assert.Contains("→ 403", confirmed.Evidence, StringComparison.Ordinal);
    }
}
