using System.Numerics;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Sdkconfig;
using EspRelease.Core.Versioning;

namespace EspRelease.Core.Doctor;

/// <summary>
/// The doctor's checks that need no server: the insecure switches (the release guard's own check),
/// the app against its OTA slot and its version (what <c>inspect</c> and <c>pack</c> check), the CA's
/// dates, the CA the build embeds against the source tree's, and the request line against the
/// firmware's transmit buffer. Each finding carries the line the device would print.
/// </summary>
internal static class ProjectChecks
{
    private const string AllowHttpLine = "W (esp_https_ota): Continuing with insecure option because CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP is set.";

    public static IEnumerable<DoctorFinding> Run(DoctorContext context) =>
        [.. InsecureSwitches(context), .. Slot(context), .. Version(context), .. CaDates(context), .. BuildCa(context), .. RequestLine(context)];

    private static IEnumerable<DoctorFinding> InsecureSwitches(DoctorContext context)
    {
        var report = context.Project is { } project ? SdkconfigSecurity.Check(project) : context.BuildDir is { } build ? SdkconfigSecurity.CheckBuild(build) : null;
        foreach (var f in report?.Findings ?? [])
        {
            var http = f.ErrorCode is DiagnosticCodes.OtaAllowHttp or DiagnosticCodes.HttpFirmwareUrl;
            var turnOff = f.Message.IndexOf(" Turn it off:", StringComparison.Ordinal);
            yield return new DoctorFinding
            {
                Code = DiagnosticCodes.DeviceVerificationOff,
                Severity = Severity.Error,
                Cause = turnOff > 0 ? f.Message[..turnOff] : f.Message,
                Fix = f.ErrorCode == DiagnosticCodes.HttpFirmwareUrl
                    ? $"Serve the firmware over HTTPS and set the URL: `dotnet esp-release sdkconfig url https://{f.Setting.Value.Text["http://".Length..]} --project {context.ProjectDir}`, then rebuild."
                    : $"`dotnet esp-release sdkconfig set {f.Setting.Name} n --project {context.ProjectDir ?? "<project>"}` (and with --defaults if sdkconfig.defaults sets it), then rebuild.",
                // esp-tls skips verification without a word (MBEDTLS_SSL_VERIFY_NONE); only esp_https_ota's HTTP allowance logs a line.
                Lines = http ? [AllowHttpLine] : [],
                Evidence = $"{f.Setting.FullName}={f.Setting.Value} in {f.Setting.Where}: TLS \"works\" with any server, and this configuration is one commit away from shipping.",
                Predicted = true,
                Confirmed = true,
                File = f.Setting.File,
            };
        }

        foreach (var (file, line) in context.Sources.SkipCommonNameChecks())
        {
            yield return new DoctorFinding
            {
                Code = DiagnosticCodes.DeviceVerificationOff,
                Severity = Severity.Error,
                Cause = $"{file} line {line} sets skip_cert_common_name_check = true: the device accepts any certificate from a CA it trusts, for any host.",
                Fix = "Remove it and issue the server certificate for the URL's host (`dotnet esp-release ca dev` names every address of this PC), or set common_name.",
                Evidence = $"{file} line {line}",
                Predicted = true,
                Confirmed = true,
                File = file,
            };
        }
    }

    private static IEnumerable<DoctorFinding> Slot(DoctorContext context)
    {
        var build = context.Build;
        if (build?.Diagnostics.FirstOrDefault(d => d.Code == DiagnosticCodes.AppTooLargeForSlot) is not { } tooLarge || build.App is not { } app || build.PartitionTable is not { } table)
        {
            yield break;
        }

        var slot = table.SmallestOtaSlot ?? table.AppPartitions.MinBy(e => e.Size)!;
        yield return new DoctorFinding
        {
            Code = DiagnosticCodes.DeviceImageTooLarge,
            Severity = Severity.Error,
            Cause = tooLarge.Message,
            Fix = "Make the OTA slots bigger in partitions.csv (or choose CONFIG_PARTITION_TABLE_TWO_OTA_LARGE), or the app smaller (CONFIG_COMPILER_OPTIMIZATION_SIZE), then rebuild.",
            Lines = [$"E (esp_image): Image length {app.Size} doesn't fit in partition length {slot.Size}"],
            Evidence = $"{app.File}: {app.Size} bytes; {table.File}: '{slot.Name}' holds {slot.Size} bytes.",
            Predicted = true,
            Confirmed = true,
            File = app.File,
        };
    }

    private static IEnumerable<DoctorFinding> Version(DoctorContext context)
    {
        var build = context.Build;
        var version = build?.App?.App?.Version ?? build?.Project?.ProjectVersion;
        if (version is null)
        {
            yield break;
        }

        string? problem = null;
        try
        {
            VersionRules.EnsureKept(version, build!.App?.File ?? build.Directory);
        }
        catch (EspReleaseException e)
        {
            problem = e.Diagnostic.Message;
        }

        if (problem is null)
        {
            yield break;
        }

        // Every build without a version says "1" (or HEAD-HASH-NOTFOUND): a firmware that compares versions sees no update.
        var same = version == "1" || version.Contains("HEAD-HASH-NOTFOUND", StringComparison.Ordinal);
        yield return new DoctorFinding
        {
            Code = DiagnosticCodes.DoctorVersionLost,
            Severity = Severity.Error,
            Cause = problem,
            Fix = "Tag the project (`git tag v1.0.0`) or set PROJECT_VER in CMakeLists.txt, then rebuild; `dotnet esp-release version` shows what the next build gets.",
            Lines = same ? ["W (advanced_https_ota_example): Current running version is the same as a new. We will not continue the update."] : [],
            Evidence = $"the build's version is \"{version}\".",
            Predicted = true,
            Confirmed = true,
            File = build!.App?.File,
        };
    }

    private static IEnumerable<DoctorFinding> CaDates(DoctorContext context)
    {
        var now = context.Now;
        var files = new[] { (context.SourceCa, context.CaFile), (context.BuildCa, context.Build?.App?.File) };
        foreach (var (certificates, file) in files.Where(f => f.Item1 is not null))
        {
            foreach (var ca in certificates!.Where(c => c.NotAfter < now + context.Options.CaExpiryWarning).DistinctBy(c => c.Sha256))
            {
                var expired = ca.NotAfter < now;
                yield return new DoctorFinding
                {
                    Code = DiagnosticCodes.DoctorCaExpires,
                    Severity = Severity.Warning,
                    Cause = $"{file} holds \"{ca.SubjectText}\", which {(expired ? "expired" : "expires")} on {ca.NotAfter:yyyy-MM-dd}: a firmware that checks dates (CONFIG_MBEDTLS_HAVE_TIME_DATE=y) then refuses the server, and devices in the field keep this CA until they are updated.",
                    Fix = "Embed the server's long-lived root (`dotnet esp-release ca fetch <url>`) and ship it before this one expires.",
                    Lines = ["I (esp-tls-mbedtls): verification info: The certificate validity has expired"],
                    Evidence = $"{ca}: valid {ca.NotBefore:yyyy-MM-dd} to {ca.NotAfter:yyyy-MM-dd}; now {now:yyyy-MM-dd}.",
                    Predicted = true,
                    Confirmed = true,
                    File = file,
                };
            }
        }
    }

    private static IEnumerable<DoctorFinding> BuildCa(DoctorContext context)
    {
        if (context.SourceCa is not { Count: > 0 } source || context.BuildCa is not { Count: > 0 } built || TlsCheck.SameCertificates(source, built))
        {
            yield break;
        }

        yield return new DoctorFinding
        {
            Code = DiagnosticCodes.DoctorBuildCaDiffers,
            Severity = Severity.Warning,
            Cause = $"the build embeds another CA than the source tree: {context.Build!.App!.File} carries {string.Join(" + ", built)}, {context.CaFile} holds {string.Join(" + ", source)}. A device flashed with this build trusts the former.",
            Fix = "Rebuild (`idf.py build`) before flashing or releasing, so the firmware carries the CA file of the source tree.",
            Evidence = "SHA-256 of the PEM blocks in the app image against those of the CA file.",
            Predicted = true,
            Confirmed = true,
            File = context.CaFile,
        };
    }

    private static IEnumerable<DoctorFinding> RequestLine(DoctorContext context)
    {
        if (context.Url is not { } url)
        {
            yield break;
        }

        var set = context.Sources.BufferSizeTx();
        var buffer = set?.Size ?? DeviceUrl.DefaultTransmitBuffer;
        var length = DeviceUrl.RequestLineLength(url);
        if (DeviceUrl.Fits(length, buffer))
        {
            yield break;
        }

        yield return new DoctorFinding
        {
            Code = DiagnosticCodes.DeviceRequestTooLong,
            Severity = Severity.Error,
            Cause = $"the request line for {Certificates.ServerProbe.Redact(url)} is {length} bytes; esp_http_client builds it in its {buffer}-byte transmit buffer ({(set is { } s ? $"buffer_size_tx set in {s.File} line {s.Line}" : "the default; the sources do not set buffer_size_tx")}) and fails before sending anything.",
            Fix = $"Set .buffer_size_tx = {BitOperations.RoundUpToPowerOf2((uint)length + 1)} in esp_http_client_config_t, or shorten the URL.",
            Lines = ["E (HTTP_CLIENT): Out of buffer"],
            Evidence = $"GET request line {length} bytes against buffer_size_tx {buffer} (snprintf keeps a byte for the NUL).",
            Predicted = true,
            Confirmed = true,
            File = set?.File,
        };
    }
}
