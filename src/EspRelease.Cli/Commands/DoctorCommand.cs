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
            Exit 0 when no failure is found, 2 when one is, 1 when the log cannot be read.
            Example: dotnet esp-release doctor ota.log --diagnostics-format github
            """, format)
    {
        Arguments.Add(LogArgument);
    }

    internal Argument<string?> LogArgument { get; } = new("log")
    {
        Description = "The serial log (what idf.py monitor printed), or - to read it from stdin as it arrives. Default: stdin, when something is piped in.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var log = context.Parse.GetValue(LogArgument);
        if (log is null or "-")
        {
            if (log is null && !Console.IsInputRedirected)
            {
                throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                    "doctor: no log to read. Pass the device's serial log as a file (`dotnet esp-release doctor ota.log`), or pipe it in: `idf.py monitor | dotnet esp-release doctor -`.",
                    kind: FailureKind.Usage);
            }

            return Task.FromResult(Report(context, DeviceLogDoctor.Diagnose(Console.In), "stdin"));
        }

        InputFile.EnsureRegular(log);
        // Shared for writing: the log may still grow (idf.py monitor | tee ota.log); what is there is read.
        using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return Task.FromResult(Report(context, DeviceLogDoctor.Diagnose(reader, log), log));
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

        context.Diagnostics.WriteAll(report.Findings.Select(f => f.ToDiagnostic() with { Line = f.Line }));
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
