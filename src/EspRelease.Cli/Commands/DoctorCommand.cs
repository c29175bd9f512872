using System.CommandLine;
using System.Globalization;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Core.Doctor.DeviceLog;
using EspRelease.Core.IO;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release doctor [LOG]</c>: from the device's serial log to the cause of its OTA failure and the fix.</summary>
internal sealed class DoctorCommand : ReleaseCommandBase
{
    public DoctorCommand(Option<DiagnosticsFormat> format)
        : base("doctor", """
            Explain why a device's OTA update failed, from its serial log: each cause once (with how often the device met it), the device's own lines, and the fix, as a command of this tool where one exists.
            Pass the log as a file, or pipe it in while the device runs: `idf.py monitor | dotnet esp-release doctor -` (or `idf.py monitor | tee ota.log`, then `dotnet esp-release doctor ota.log`). Colour codes, timestamps and Wi-Fi chatter are fine.
            It recognises what ESP-IDF prints on the OTA path: TLS (mbedtls_ssl_handshake returned -0x2700 and the verification info, -0x7780, -0x7280), connecting (errno 113/104/111, select() timeout, getaddrinfo() returns 202), HTTP (File not found(403), Out of buffer, redirects, Azure's <Code>AuthenticationFailed</Code>), the image (invalid magic byte, Mismatch chip id, Image length doesn't fit, ESP_ERR_OTA_VALIDATE_FAILED, Secure Boot) and rollback. Error lines it cannot explain are listed under "Not explained", never guessed at.
            With --project (and --build, --url) it confirms instead of guessing: "not correctly signed" is checked against the live server by mbedtls's rules, errno 113 by connecting over IPv4 and IPv6 apart, Azure's 403 by finding the SAS the sources put in a header and asking the server both ways.
            Without a log, `doctor --project DIR` predicts before flashing: every check that applies to the project as it stands (the CA against the live URL, the address family the device will use, insecure sdkconfig switches, the app against its OTA slot, the version, a SAS in a header, CA expiry, the request line against buffer_size_tx), each with the exact line the device would print and the fix.
            Exit 0 when no failure is found or predicted, 2 when one is, 3 when a check could not reach the server, 1 when the log cannot be read.
            Examples: dotnet esp-release doctor ota.log --project firmware --diagnostics-format github; dotnet esp-release doctor --project firmware
            """, format)
    {
        Arguments.Add(LogArgument);
        Options.Add(ProjectOption);
        Options.Add(BuildOption);
        Options.Add(UrlOption);
    }

    internal Option<string?> ProjectOption { get; } = new("--project")
    {
        Description = "The ESP-IDF project (its sdkconfig, the CA file main/CMakeLists.txt embeds, its C sources). With a log: confirm the causes; without one: predict the device's failures before flashing.",
    };

    internal Option<string?> BuildOption { get; } = new("--build")
    {
        Description = "The idf.py build directory (the CA the image really embeds, the app against its slot, the version). Default: <project>/build.",
    };

    internal Option<string?> UrlOption { get; } = new("--url")
    {
        Description = "The firmware URL the device fetches. Default: the project's firmware URL option in sdkconfig.",
    };

    internal Argument<string?> LogArgument { get; } = new("log")
    {
        Description = "The serial log (what idf.py monitor printed), or - to read it from stdin as it arrives. Default: stdin, when something is piped in.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var log = context.Parse.GetValue(LogArgument);
        var options = ContextOf(context);
        if (log is null && options is not null)
        {
            var predicted = await ProjectDoctor.PredictAsync(options, cancellationToken);
            return Report(context, predicted, options.ProjectDir ?? options.BuildDir ?? options.Url!.ToString());
        }

        var (report, origin) = ReadLog(context, log);
        if (options is not null)
        {
            // With the project at hand, each cause a live check can reproduce is checked, not guessed.
            var confirmed = await FindingConfirmer.ConfirmAllAsync(report.Findings, options, cancellationToken);
            report.Findings.Clear();
            report.Findings.AddRange(confirmed);
        }

        return Report(context, report, origin);
    }

    private static (DoctorReport Report, string Origin) ReadLog(CommandContext context, string? log)
    {
        if (log is null or "-")
        {
            if (log is null && !Console.IsInputRedirected)
            {
                throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                    "doctor: no log to read and no project to check. Pass the device's serial log as a file (`dotnet esp-release doctor ota.log`), pipe it in (`idf.py monitor | dotnet esp-release doctor -`), or name the ESP-IDF project to predict its failures before flashing (`dotnet esp-release doctor --project firmware`).",
                    kind: FailureKind.Usage);
            }

            return (DeviceLogDoctor.Diagnose(Console.In), "stdin");
        }

        InputFile.EnsureRegular(log);
        // Shared for writing: the log may still grow (idf.py monitor | tee ota.log); what is there is read.
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return (DeviceLogDoctor.Diagnose(reader, log), log);
    }

    // The context the checks run in; null when none was given (the log alone then speaks).
    private DoctorOptions? ContextOf(CommandContext context)
    {
        var project = context.Get(ProjectOption);
        var build = context.Get(BuildOption);
        var url = context.Get(UrlOption);
        if (project is null && build is null && url is null)
        {
            return null;
        }

        foreach (var (dir, flag) in new[] { (project, "--project"), (build, "--build") })
        {
            if (dir is not null && !Directory.Exists(dir))
            {
                throw new EspReleaseException(DiagnosticCodes.FileNotFound,
                    $"{dir}: {flag} names no directory. Pass the ESP-IDF project directory (the one with CMakeLists.txt and sdkconfig){(flag == "--build" ? " or its idf.py build directory" : "")}.",
                    dir, FailureKind.Usage);
            }
        }

        Uri? firmwareUrl = null;
        if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out firmwareUrl) || firmwareUrl.Scheme is not ("https" or "http")))
        {
            throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                $"{url}: --url expects the firmware's absolute https:// URL, as the device fetches it (e.g. https://fw.example.com/ota/app.bin).", kind: FailureKind.Usage);
        }

        return new DoctorOptions
        {
            ProjectDir = project is null ? null : Path.GetFullPath(project),
            BuildDir = build is null ? null : Path.GetFullPath(build),
            Url = firmwareUrl,
        };
    }

    /// <summary>
    /// Writes a report (text or JSON, each finding as a diagnostic, the step's results) and returns the
    /// exit code: 2 when a failure was found, 3 when only checks that could not run remain, else 0.
    /// Every mode of doctor ends here, whatever produced the report.
    /// </summary>
    internal static int Report(CommandContext context, DoctorReport report, string origin)
    {
        if (context.Json)
        {
            DoctorJsonWriter.Write(context.Stdout, report);
        }
        else
        {
            DoctorTextWriter.Write(context.Stdout, report, origin);
        }

        context.Diagnostics.WriteAll(report.Findings.Select(f => f.ToDiagnostic()));
        if (!context.Json)
        {
            context.Diagnostics.WriteAll(report.NotChecked);
        }

        context.Results["Findings"] = report.Findings.Count.ToString(CultureInfo.InvariantCulture);
        context.Results["Codes"] = string.Join(',', report.Findings.Select(f => f.Code).Distinct());
        context.Results["Unexplained"] = report.Unexplained.Count.ToString(CultureInfo.InvariantCulture);
        return report.FailureFound ? ExitCodes.Invalid
            : report.NotChecked.Count > 0 ? ExitCodes.HostFailure
            : ExitCodes.Success;
    }
}
