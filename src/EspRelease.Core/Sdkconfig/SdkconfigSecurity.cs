using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Sdkconfig;

/// <summary>One switch that weakens OTA security, found on in a configuration.</summary>
/// <param name="ErrorCode">The code when it refuses a release (ESPR181x).</param>
/// <param name="WarningCode">The code when it is only reported (ESPR281x, same last digits).</param>
/// <param name="Setting">The option and where its value comes from.</param>
/// <param name="Message">Why it matters on the device and how to turn it off.</param>
public sealed record SecurityFinding(string ErrorCode, string WarningCode, SdkconfigSetting Setting, string Message)
{
    /// <param name="refuse">True for a release (error), false for a report (warning).</param>
    public Diagnostic ToDiagnostic(bool refuse) =>
        new(refuse ? ErrorCode : WarningCode, refuse ? Severity.Error : Severity.Warning, Message, Setting.File);
}

/// <summary>The result of checking a configuration for insecure OTA switches.</summary>
/// <param name="View">The configuration checked.</param>
/// <param name="Findings">Insecure switches that are on (release blockers).</param>
/// <param name="Notes">Warnings that never block (version check skipped, URL from stdin, sdkconfig and defaults disagreeing).</param>
public sealed record SecurityReport(SdkconfigView View, IReadOnlyList<SecurityFinding> Findings, IReadOnlyList<Diagnostic> Notes)
{
    public bool IsSecure => Findings.Count == 0;

    /// <summary>Findings as errors (release) or warnings, followed by the notes.</summary>
    /// <param name="release">True to report the findings as errors.</param>
    public IReadOnlyList<Diagnostic> Diagnostics(bool release) => [.. Findings.Select(f => f.ToDiagnostic(release)), .. Notes];
}

/// <summary>
/// The release guard: options that let a shipped device accept firmware from someone other than the
/// release server (spec §6.5 "release guard candidates", tls-and-hosting F "insecure shipping config").
/// </summary>
public static partial class SdkconfigSecurity
{
    public const string EspTlsInsecure = "ESP_TLS_INSECURE";
    public const string SkipServerCertVerify = "ESP_TLS_SKIP_SERVER_CERT_VERIFY";
    public const string OtaAllowHttp = "ESP_HTTPS_OTA_ALLOW_HTTP";
    public const string WeakCertificateVerification = "MBEDTLS_ALLOW_WEAK_CERTIFICATE_VERIFICATION";

    // Options whose value should be the same in sdkconfig and in a fresh build from sdkconfig.defaults.
    private static readonly string[] _securityRelevant =
    [
        EspTlsInsecure, SkipServerCertVerify, OtaAllowHttp, WeakCertificateVerification,
        "MBEDTLS_CERTIFICATE_BUNDLE", "MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_FULL", "MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_CMN",
        "MBEDTLS_CERTIFICATE_BUNDLE_DEFAULT_NONE", "MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE", "MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH",
        "MBEDTLS_HAVE_TIME_DATE", "EXAMPLE_USE_CERT_BUNDLE", "BOOTLOADER_APP_ROLLBACK_ENABLE", "BOOTLOADER_APP_ANTI_ROLLBACK",
        "BOOTLOADER_APP_SECURE_VERSION", "SECURE_BOOT", "SECURE_SIGNED_APPS_NO_SECURE_BOOT", "SECURE_SIGNED_ON_UPDATE_NO_SECURE_BOOT",
        "SECURE_FLASH_ENC_ENABLED",
    ];

    /// <summary>The ESP-IDF options the guard and the drift check know by name (without CONFIG_).</summary>
    public static IReadOnlyList<string> KnownOptions => _securityRelevant;

    /// <summary>Checks a project's effective configuration (sdkconfig, else sdkconfig.defaults, else the Kconfig defaults).</summary>
    public static SecurityReport Check(SdkconfigProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        var report = Check(project.View(), project, fromBuild: false);
        return report with { Notes = [.. report.Notes, .. Drift(project)] };
    }

    /// <summary>Checks any configuration (e.g. one read with <see cref="SdkconfigView.FromBuildJson"/>); fixes name no project.</summary>
    public static SecurityReport Check(SdkconfigView view) => Check(view, project: null, fromBuild: false);

    /// <summary>
    /// Checks what a build was configured with: <c>config/sdkconfig.json</c> in the build directory, else
    /// the <c>sdkconfig</c> of the project the build directory sits in. Null when there is neither (the
    /// configuration is unknown, so nothing can be checked).
    /// </summary>
    public static SecurityReport? CheckBuild(string buildDirectory)
    {
        var full = Path.GetFullPath(buildDirectory);
        var json = Path.Combine(full, "config", "sdkconfig.json");
        var parent = Path.GetDirectoryName(full.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
        var project = parent is not null && SdkconfigProject.LooksLikeProject(parent) ? SdkconfigProject.OpenUnchecked(parent) : null;
        if (File.Exists(json))
        {
            return Check(SdkconfigView.FromBuildJson(json, project?.Symbols ?? []), project, fromBuild: true);
        }

        return project?.Sdkconfig is not null ? Check(project.View(), project, fromBuild: true) : null;
    }

    /// <summary>
    /// The pack guard's diagnostics: without <paramref name="allowInsecure"/> each finding is an error that
    /// refuses the release; with it, a loud warning. Notes stay warnings.
    /// </summary>
    /// <param name="report">The build's report (<see cref="CheckBuild"/>).</param>
    /// <param name="allowInsecure">--allow-insecure.</param>
    public static IReadOnlyList<Diagnostic> ForRelease(SecurityReport report, bool allowInsecure)
    {
        ArgumentNullException.ThrowIfNull(report);
        var findings = report.Findings.Select(f => allowInsecure
            ? new Diagnostic(f.WarningCode, Severity.Warning, "INSECURE RELEASE (--allow-insecure): " + f.Message, f.Setting.File) { Line = f.Setting.Line }
            : new Diagnostic(f.ErrorCode, Severity.Error, f.Message + " The release is refused; --allow-insecure packs it anyway (for test devices only).", f.Setting.File) { Line = f.Setting.Line });
        return [.. findings, .. report.Notes];
    }

    /// <summary>True for options that skip the server certificate's host-name check (*SKIP_COMMON_NAME*, *SKIP_CN*).</summary>
    public static bool IsSkipCommonName(string name) => name.Contains("SKIP_COMMON_NAME", StringComparison.Ordinal) || SkipCn().IsMatch(name);

    /// <summary>
    /// Options where sdkconfig (user-set) and a fresh build from sdkconfig.defaults (or the project's Kconfig
    /// default) disagree, for the security-relevant options and the firmware URL. idf.py applies the defaults
    /// only to options sdkconfig does not set, so this checkout and CI would build different firmware.
    /// </summary>
    public static IReadOnlyList<Diagnostic> Drift(SdkconfigProject project, IReadOnlyCollection<string>? except = null)
    {
        ArgumentNullException.ThrowIfNull(project);
        if (project.Sdkconfig is null)
        {
            return [];
        }

        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in new[] { project.Sdkconfig, project.Defaults, project.TargetDefaults })
        {
            foreach (var entry in file?.Entries.Where(e => !e.InDeprecatedBlock) ?? [])
            {
                names.Add(SdkconfigProject.Renamed(entry.Name));
            }
        }

        var diagnostics = new List<Diagnostic>();
        foreach (var name in names.Where(n => except is null || !except.Contains(n)))
        {
            var prompt = project.Symbol(name)?.Prompt;
            var relevant = _securityRelevant.Contains(name) || IsSkipCommonName(name) || name.Contains("SKIP_VERSION_CHECK", StringComparison.Ordinal)
                || OtaUrlOption.LooksLikeFirmwareUrl(name, prompt);
            var local = project.Effective(name);
            if (!relevant || local is not { Source: SdkconfigSource.Sdkconfig, IsDefault: false } || project.FreshBuild(name) is not { } fresh || local.Value.SameAs(fresh.Value))
            {
                continue;
            }

            diagnostics.Add(new Diagnostic(DiagnosticCodes.SdkconfigShadowsDefaults, Severity.Warning,
                $"{local.Where} sets {local.FullName}={local.Value}, but a build without sdkconfig (a fresh clone, CI) gets {fresh.Value} from {Describe(fresh)}. " +
                $"idf.py applies sdkconfig.defaults only to options sdkconfig does not already set, so this checkout and CI build different firmware. " +
                $"Make them agree: `esp-release sdkconfig set {name} <value> --project {Quote(project.Directory)}` and the same with --defaults.",
                local.File));
        }

        return diagnostics;
    }

    private static SecurityReport Check(SdkconfigView view, SdkconfigProject? project, bool fromBuild)
    {
        var findings = new List<SecurityFinding>();
        var notes = new List<Diagnostic>();
        var projectDir = project?.Directory;

        void Bool(string name, string errorCode, string warningCode, string why, string? menu)
        {
            if (view.Get(name) is { Value.IsEnabled: true } s)
            {
                findings.Add(new SecurityFinding(errorCode, warningCode, s, $"{s.FullName}=y ({Describe(s)}): {why} {TurnOff(s, project, fromBuild, menu)}"));
            }
        }

        Bool(EspTlsInsecure, DiagnosticCodes.InsecureTls, DiagnosticCodes.InsecureTlsWarning,
            "it unlocks the esp-tls options that switch off server authentication (such as ESP_TLS_SKIP_SERVER_CERT_VERIFY). Firmware built with it can be made to trust a server it never authenticated, and then anyone between the device and the server (a rogue Wi-Fi access point, a spoofed DNS answer) can hand the device their own firmware.",
            "Component config → ESP-TLS");
        Bool(SkipServerCertVerify, DiagnosticCodes.SkipServerCertVerify, DiagnosticCodes.SkipServerCertVerifyWarning,
            "when a connection has no CA certificate or bundle configured, esp-tls then connects with MBEDTLS_SSL_VERIFY_NONE instead of failing, so the device accepts any certificate. Anyone who can intercept its traffic can pose as the OTA server, read any token in the URL and serve the device arbitrary firmware.",
            "Component config → ESP-TLS");
        Bool(OtaAllowHttp, DiagnosticCodes.OtaAllowHttp, DiagnosticCodes.OtaAllowHttpWarning,
            "esp_https_ota then accepts plain http:// URLs and connections without any server verification. Over HTTP nothing is authenticated or encrypted: anyone on the network path can read the URL (with any SAS token in it) and replace the image the device writes to flash.",
            "Component config → ESP HTTPS OTA");
        foreach (var name in view.Settings.Keys.Where(IsSkipCommonName).Order(StringComparer.Ordinal))
        {
            Bool(name, DiagnosticCodes.SkipCommonNameCheck, DiagnosticCodes.SkipCommonNameCheckWarning,
                "the device then skips the host-name check of the server certificate (esp-tls sets no host name: no SNI, no name check). Any certificate that chains to a CA the device trusts is accepted; with the certificate bundle that is any public web site's certificate. Anyone who can intercept the traffic and holds a certificate for any domain can serve the device their own firmware.",
                view.Symbols.FirstOrDefault(s => s.Name == name)?.Prompt is { } prompt ? $"\"{prompt}\"" : null);
        }

        Bool(WeakCertificateVerification, DiagnosticCodes.WeakCertificateVerification, DiagnosticCodes.WeakCertificateVerificationWarning,
            "Mbed TLS then lets a connection go ahead without verifying the server's host name, so a certificate issued for another server is accepted, and anyone who can intercept the traffic can serve the device their own firmware.",
            "Component config → mbedTLS");

        foreach (var (name, setting) in view.Settings.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (setting.Value.Kind != SdkconfigValueKind.Text || !OtaUrlOption.LooksLikeFirmwareUrl(name, view.Symbols.FirstOrDefault(s => s.Name == name)?.Prompt))
            {
                continue;
            }

            var url = setting.Value.Text;
            if (url.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                var https = "https://" + url["http://".Length..];
                findings.Add(new SecurityFinding(DiagnosticCodes.HttpFirmwareUrl, DiagnosticCodes.HttpFirmwareUrlWarning, setting,
                    $"{setting.FullName}={setting.Value} ({Describe(setting)}): the device downloads its firmware over plain HTTP, with no server authentication and no encryption, so anyone on the network path can substitute the image. " +
                    $"esp_https_ota refuses http:// unless {SdkconfigFile.Prefix}{OtaAllowHttp} is on, which is itself a release blocker. " +
                    $"Serve the firmware over HTTPS and set the URL: `esp-release sdkconfig url {https} --project {Quote(projectDir ?? "<project>")}`{Rebuild(fromBuild)}."));
            }
            else if (url == "FROM_STDIN")
            {
                notes.Add(new Diagnostic(DiagnosticCodes.OtaUrlFromStdin, Severity.Warning,
                    $"{setting.FullName}=\"FROM_STDIN\" ({Describe(setting)}): the example firmware then reads the OTA URL from the serial console at start-up (Espressif's CI mode), so a shipped device waits for a URL nobody types. " +
                    $"Set the real URL: `esp-release sdkconfig url https://<host>/<path>.bin --project {Quote(projectDir ?? "<project>")}`{Rebuild(fromBuild)}.",
                    setting.File));
            }
        }

        foreach (var (name, setting) in view.Settings.Where(kv => kv.Key.Contains("SKIP_VERSION_CHECK", StringComparison.Ordinal) && kv.Value.Value.IsEnabled).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            notes.Add(new Diagnostic(DiagnosticCodes.VersionCheckSkipped, Severity.Warning,
                $"{setting.FullName}=y ({Describe(setting)}): the firmware then installs an image even when its version equals the running one. Not a security hole, but a device can download and flash the same release again on every check. " +
                $"Turn it off unless you rely on it: `esp-release sdkconfig set {name} n --project {Quote(projectDir ?? "<project>")}`{Rebuild(fromBuild)}.",
                setting.File));
        }

        return new SecurityReport(view, findings, notes);
    }

    private static string Describe(SdkconfigSetting s) => s.Source switch
    {
        SdkconfigSource.Kconfig => $"the default in {s.File} line {s.Line}; neither sdkconfig nor sdkconfig.defaults sets it",
        SdkconfigSource.Build => $"{s.File}, the configuration this build was compiled with",
        _ => s.IsDefault ? $"{s.Where}, marked # default:" : s.Where,
    };

    private static string TurnOff(SdkconfigSetting s, SdkconfigProject? project, bool fromBuild, string? menu)
    {
        var dir = Quote(project?.Directory ?? "<project>");
        var steps = new List<string>();
        if (project is not null)
        {
            if (SdkconfigProject.Lookup(project.Sdkconfig, s.Name, SdkconfigSource.Sdkconfig) is { Value.IsEnabled: true })
            {
                steps.Add($"`esp-release sdkconfig set {s.Name} n --project {dir}`");
            }

            if (SdkconfigProject.Lookup(project.Defaults, s.Name, SdkconfigSource.Defaults) is { Value.IsEnabled: true })
            {
                steps.Add($"`esp-release sdkconfig set {s.Name} n --defaults --project {dir}`");
            }

            if (SdkconfigProject.Lookup(project.TargetDefaults, s.Name, SdkconfigSource.Defaults) is { Value.IsEnabled: true } target)
            {
                steps.Add($"delete line {target.Line} of {target.File}");
            }
        }

        if (steps.Count == 0)
        {
            steps.Add($"`esp-release sdkconfig set {s.Name} n --project {dir}`, and the same with --defaults if sdkconfig.defaults sets it");
        }

        var where = menu is null ? "" : $"; in menuconfig: {menu}";
        return $"Turn it off: {string.Join(" and ", steps)}{where}{Rebuild(fromBuild)}.";
    }

    private static string Rebuild(bool fromBuild) => fromBuild ? ", then run `idf.py build` again and pack the new build" : "";

    private static string Quote(string path) => path.Any(char.IsWhiteSpace) ? $"\"{path}\"" : path;

    [GeneratedRegex("(^|_)SKIP_CN(_|$)")]
    private static partial Regex SkipCn();
}
