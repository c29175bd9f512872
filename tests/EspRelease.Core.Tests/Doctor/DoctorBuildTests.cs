using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>What the build shows before flashing: an app larger than its OTA slot, a version ESP-IDF lost.</summary>
public sealed class DoctorBuildTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task An_app_larger_than_its_slot_and_the_fallback_version_are_predicted_with_the_device_lines()
    {
        var project = DoctorProject.Create(_temp, TestPki.CreateRoot("Doctor Build Root"), "FROM_STDIN");
        var build = BuildDirectoryBuilder.Create(_temp, "1", appBytes: 0x200000);

        var report = await ProjectDoctor.PredictAsync(DoctorProject.Options(project, build), CancellationToken.None);

        var slot = Assert.Single(report.Findings, f => f.Code == DiagnosticCodes.DeviceImageTooLarge);
        Assert.Matches(@"^E \(esp_image\): Image length \d+ doesn't fit in partition length \d+$", Assert.Single(slot.Lines));
        var version = Assert.Single(report.Findings, f => f.Code == DiagnosticCodes.DoctorVersionLost);
        Assert.Contains("ESP-IDF's fallback", version.Cause, StringComparison.Ordinal);
        Assert.Contains("Current running version is the same as a new", Assert.Single(version.Lines), StringComparison.Ordinal);
    }
}
