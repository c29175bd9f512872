using System.Net.Sockets;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>
/// Failure 2 of the story for real: the server listens on [::1] only while the URL says 127.0.0.1
/// (what `openssl s_server` did on Windows). The doctor connects over each family and says which listens.
/// </summary>
public sealed class DoctorFamilyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Failure_2_a_server_on_IPv6_only_behind_an_IPv4_URL_is_errno_113_predicted_and_confirmed()
    {
        Assert.True(Socket.OSSupportsIPv6, "this machine has no IPv6, so a server on ::1 cannot be started");
        var listener = Ipv6OnlyListener.Start();
        try
        {
            var port = listener.Port;
            var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Family Root"), $"https://127.0.0.1:{port}/fw.bin");

            var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

            var finding = Assert.Single(report.Findings);
            Assert.Equal(DiagnosticCodes.DeviceHostUnreachable, finding.Code);
            Assert.Contains("E (esp-tls): Failed to connnect to host (errno 113)", finding.Lines);
            Assert.Contains($"IPv6 [::1]:{port} accepted", finding.Evidence, StringComparison.Ordinal);
            Assert.Contains("IPv4 127.0.0.1", finding.Evidence, StringComparison.Ordinal);
            Assert.Empty(report.NotChecked);

            var fromLog = DoctorProject.FromLog(DiagnosticCodes.DeviceHostUnreachable, "the device's connection attempt was dropped.", "E (esp-tls): Failed to connnect to host (errno 113)");
            var confirmed = await FindingConfirmer.ConfirmAsync(fromLog, DoctorProject.Options(project), CancellationToken.None);
            Assert.True(confirmed.Confirmed);
            Assert.Contains("listens on IPv6 only", confirmed.Cause, StringComparison.Ordinal);
        }
        finally
        {
            listener.Dispose();
        }
    }
}
