using System.CommandLine;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.Network;

namespace EspRelease.Cli.Commands;

/// <summary>The options that say how the device verifies, shared by `ca fetch` and `ca check`.</summary>
internal sealed class TlsOptions
{
    public Option<string?> Project { get; } = new("--project", "-p")
    {
        Description = "The ESP-IDF project directory (its main/CMakeLists.txt names the embedded CA file; its build/ tells the ESP-IDF version). Default: the current directory.",
    };

    public Option<string?> IdfVersion { get; } = new("--idf-version")
    {
        Description = "The ESP-IDF version the firmware is built with (e.g. v5.1.1): it decides mbedtls's host-name rules for IP addresses. Default: from the build (or the image), else 5.2+.",
    };

    public Option<bool> CheckDates { get; } = new("--check-dates")
    {
        Description = "Check certificate dates, as the device does only with CONFIG_MBEDTLS_HAVE_TIME_DATE=y (and a set clock).",
    };

    public Option<double?> Timeout { get; } = new("--timeout")
    {
        Description = "Seconds each step may take: connecting, the TLS handshake, the first byte of the answer and each read after it. Default: the device's own limits (10 s to connect, 10 s for the handshake, 5 s for an answer: esp_http_client's timeout_ms).",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Project, IdfVersion, CheckDates, Timeout })
        {
            command.Options.Add(option);
        }
    }

    public string ProjectDirectory(CommandContext context) => Path.GetFullPath(context.Get(Project) ?? Directory.GetCurrentDirectory());

    /// <summary>The mbedtls generation: --idf-version, else the image's or the build's ESP-IDF version, else 5.2+ (said in the result).</summary>
    public (MbedTlsGeneration Generation, string Source) Generation(CommandContext context, string? imagePath = null)
    {
        if (context.Get(IdfVersion) is { } flag)
        {
            return MbedTlsGenerations.FromIdfVersion(flag) is { } g ? (g, $"--idf-version {flag}")
                : throw new EspReleaseException(DiagnosticCodes.UnknownInput, $"--idf-version \"{flag}\": expected an ESP-IDF version such as v5.1.2.", kind: FailureKind.Usage);
        }

        if (imagePath is not null && AppImageReader.Inspect(imagePath).App?.IdfVersion is { } fromImage && MbedTlsGenerations.FromIdfVersion(fromImage) is { } gi)
        {
            return (gi, $"ESP-IDF {fromImage} in {imagePath}");
        }

        var build = IdfBuildReader.ResolveBuildDirectory(ProjectDirectory(context));
        if (build is not null && ProjectDescription.Read(Path.Combine(build, ProjectDescription.FileName)).IdfVersion is { } fromBuild
            && MbedTlsGenerations.FromIdfVersion(fromBuild) is { } gb)
        {
            return (gb, $"ESP-IDF {fromBuild} in {build}");
        }

        return (MbedTlsGeneration.V35Plus, "assumed (no build found; pass --idf-version)");
    }

    /// <summary>An absolute https URL, or a usage error that says what was expected.</summary>
    public static Uri ParseUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps
            ? url
            : throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                $"\"{text}\": expected the https URL the device fetches (e.g. https://192.168.1.8:8070/firmware.bin).", kind: FailureKind.Usage);

    public DeviceTimeouts TimeoutsOf(CommandContext context) => context.Get(Timeout) switch
    {
        null => DeviceTimeouts.Device,
        > 0 and <= 3600 and var seconds => DeviceTimeouts.Each(TimeSpan.FromSeconds(seconds)),
        var seconds => throw new EspReleaseException(DiagnosticCodes.UnknownInput, $"--timeout {seconds}: expected seconds between 0 and 3600.", kind: FailureKind.Usage),
    };
}
