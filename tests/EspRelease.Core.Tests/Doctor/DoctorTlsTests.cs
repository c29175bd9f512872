using System.Net;
using System.Net.Sockets;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>
/// Failure 1 of the story for real: a Kestrel server whose chain comes from another CA than the
/// project's server_certs/ca_cert.pem. The doctor names it from the project alone, confirms it for the
/// finding a log gives, and device-sim (Mbed TLS itself) agrees. A clean project predicts nothing; a
/// server that is down is not checked, not guessed.
/// </summary>
public sealed class DoctorTlsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _serverRoot = TestPki.CreateRoot("Doctor Server Root");
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _otherRoot = TestPki.CreateRoot("Doctor Other Root");

    public void Dispose() => _temp.Dispose();

    private Task<TestHttpsServer> StartAsync() =>
        TestHttpsServer.StartAsync(TestPki.CreateLeaf(_serverRoot, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]), [], DoctorProject.Site(_temp), IPAddress.Loopback);

    [Fact]
    public async Task Failure_1_a_server_signed_by_another_CA_is_predicted_from_the_project_and_confirmed_for_the_log_finding()
    {
        await using var server = await StartAsync();
        var url = server.Url("fw.bin");
        var project = DoctorProject.Create(_temp, _otherRoot, url.AbsoluteUri);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(DiagnosticCodes.DeviceCaNotTrusted, finding.Code);
        Assert.True(finding.Predicted && finding.Confirmed);
        Assert.Contains("I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA", finding.Lines);
        Assert.Contains("Doctor Server Root", finding.Evidence, StringComparison.Ordinal);
        Assert.Contains("Doctor Other Root", finding.Evidence, StringComparison.Ordinal);
        Assert.Empty(report.NotChecked);

        // Mbed TLS itself, with the same CA file, refuses the same server.
        var device = await DeviceSim.GetAsync(url, Path.Combine(project, "server_certs", "ca_cert.pem"), processTimeout: TimeSpan.FromSeconds(30));
        Assert.True(device.ExitCode == DeviceSim.ExitVerifyFailed, device.ToString());
        Assert.Contains(device.VerificationInfo, l => l.Contains("not correctly signed by the trusted CA", StringComparison.Ordinal));

        var fromLog = DoctorProject.FromLog(DiagnosticCodes.DeviceCaNotTrusted, "the server's certificate is not signed by the CA the firmware embeds.",
            "E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x2700", "I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA");
        var confirmed = await FindingConfirmer.ConfirmAsync(fromLog, DoctorProject.Options(project), CancellationToken.None);
        Assert.True(confirmed.Confirmed);
        Assert.Equal(fromLog.Lines, confirmed.Lines);
        Assert.Contains("Doctor Server Root", confirmed.Evidence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_build_that_embeds_an_older_CA_than_the_fixed_source_tree_is_named_as_stale()
    {
        await using var server = await StartAsync();
        var project = DoctorProject.Create(_temp, _serverRoot, server.Url("fw.bin").AbsoluteUri);
        var build = DoctorProject.BuildEmbedding(_temp, _otherRoot);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project, build), CancellationToken.None);

        var tls = Assert.Single(report.Findings, f => f.Code == DiagnosticCodes.DeviceCaNotTrusted);
        Assert.Contains("rebuild and flash", tls.Fix, StringComparison.Ordinal);
        Assert.Contains("the flashed build is stale", tls.Evidence, StringComparison.Ordinal);
        Assert.Contains(report.Findings, f => f.Code == DiagnosticCodes.DoctorBuildCaDiffers);
    }

    [Fact]
    public async Task A_clean_project_predicts_nothing()
    {
        await using var server = await StartAsync();
        var project = DoctorProject.Create(_temp, _serverRoot, server.Url("fw.bin").AbsoluteUri);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        Assert.Empty(report.Findings);
        Assert.Empty(report.NotChecked);
        Assert.False(report.FailureFound);
        Assert.Contains(report.Skipped, s => s.Contains("no idf.py build directory", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_server_that_is_down_is_not_checked_rather_than_guessed()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var project = DoctorProject.Create(_temp, _serverRoot, $"https://127.0.0.1:{port}/fw.bin");

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        Assert.Empty(report.Findings);
        var why = Assert.Single(report.NotChecked);
        Assert.Contains("refused", why.Message, StringComparison.Ordinal);
        Assert.Contains(report.Skipped, s => s.Contains("was not judged", StringComparison.Ordinal));

        var confirmed = await FindingConfirmer.ConfirmAsync(DoctorProject.FromLog(DiagnosticCodes.DeviceCaNotTrusted, "not signed"), DoctorProject.Options(project), CancellationToken.None);
        Assert.False(confirmed.Confirmed);
        Assert.StartsWith("not checked:", confirmed.Evidence, StringComparison.Ordinal);
    }
}
