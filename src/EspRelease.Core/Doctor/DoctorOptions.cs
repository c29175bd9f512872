using EspRelease.Core.Certificates;
using EspRelease.Core.Network;

namespace EspRelease.Core.Doctor;

/// <summary>What the doctor checks: an ESP-IDF project, its build and the firmware URL, each optional.</summary>
public sealed record DoctorOptions
{
    /// <summary>The ESP-IDF project (sdkconfig, main/, server_certs/); default: the build directory's parent, when it is a project.</summary>
    public string? ProjectDir { get; init; }

    /// <summary>The <c>idf.py build</c> output; default: <c>&lt;project&gt;/build</c> when it exists.</summary>
    public string? BuildDir { get; init; }

    /// <summary>The firmware URL the device fetches; default: the project's firmware URL option in sdkconfig.</summary>
    public Uri? Url { get; init; }

    /// <summary>How long each network step may take (the device's own limits by default).</summary>
    public DeviceTimeouts Timeouts { get; init; } = DeviceTimeouts.Device;

    /// <summary>The firmware's mbedtls generation; default: from the build's ESP-IDF version, else the newest rules.</summary>
    public MbedTlsGeneration? Generation { get; init; }

    /// <summary>The time certificates are judged at (tests); default: now.</summary>
    public DateTime? Now { get; init; }

    /// <summary>A CA certificate expiring within this span is warned about (ESPR2990).</summary>
    public TimeSpan CaExpiryWarning { get; init; } = TimeSpan.FromDays(365);
}
