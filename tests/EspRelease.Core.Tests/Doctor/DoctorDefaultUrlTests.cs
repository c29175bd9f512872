using EspRelease.Core.Doctor;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>
/// A project whose sdkconfig does not set the firmware URL: the Kconfig default (in ESP-IDF's OTA
/// examples a placeholder on a private network) is named as unset, and nothing is probed.
/// </summary>
public sealed class DoctorDefaultUrlTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_firmware_URL_set_only_by_the_Kconfig_default_is_skipped_with_the_fix_not_probed()
    {
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Default Root"), "unused");
        File.WriteAllText(Path.Combine(project, "sdkconfig"), "CONFIG_EXAMPLE_SKIP_VERSION_CHECK=n\n");
        // A loopback default on a closed port: even a regression that probed it would stay on this machine.
        var kconfig = Path.Combine(project, "main", "Kconfig.projbuild");
        File.WriteAllText(kconfig, System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(kconfig), "https://192\\.168\\.[0-9.]+:8070/hello_world\\.bin", "https://127.0.0.1:1/fw.bin"));

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project), CancellationToken.None);

        Assert.Empty(report.NotChecked);
        Assert.DoesNotContain(report.Findings, f => f.Code is Diagnostics.DiagnosticCodes.DeviceCaNotTrusted or Diagnostics.DiagnosticCodes.DeviceHostUnreachable);
        var skipped = Assert.Single(report.Skipped, s => s.Contains("only the Kconfig default", StringComparison.Ordinal));
        Assert.Contains("https://127.0.0.1:1/fw.bin", skipped, StringComparison.Ordinal);
        Assert.Contains("dotnet esp-release sdkconfig url <url> --project", skipped, StringComparison.Ordinal);
    }
}
