using EspRelease.Core.Diagnostics;
using EspRelease.Core.Manifests;

namespace EspRelease.Core.Doctor;

/// <summary>One thing the probe checked: what, whether it passed, and if not the problem and the line the device would log.</summary>
public sealed record ProbeCheck(string Url, string Name, bool Passed, string Detail, Diagnostic? Problem = null, string? DeviceLog = null);

/// <summary>Everything <see cref="DeviceProbe"/> found on a URL, in the order the device meets it.</summary>
public sealed class ProbeReport
{
    public List<ProbeCheck> Checks { get; } = [];

    /// <summary>The manifest, when the URL was a signed manifest (a channel pointer).</summary>
    public ReleaseManifest? Manifest { get; internal set; }

    /// <summary>The key that signed it, when keys were given.</summary>
    public string? SignedBy { get; internal set; }

    public Uri? FirmwareUrl { get; internal set; }

    public IEnumerable<Diagnostic> Problems => Checks.Where(c => c.Problem is not null).Select(c => c.Problem!);

    public bool Ok => Problems.All(p => p.Severity != Severity.Error);

    /// <summary>The server could not be talked to (not reached, no TLS, no answer): a host failure (exit 3), not a verdict on the release.</summary>
    public bool Unreached { get; private set; }

    internal void Pass(Uri url, string name, string detail) => Checks.Add(new(Redact(url), name, true, detail));

    internal void Fail(Uri url, string name, string code, string message, string? deviceLog = null, Severity severity = Severity.Error) =>
        Checks.Add(new(Redact(url), name, false, message, new Diagnostic(code, severity, $"{Redact(url)}: {message}", Redact(url)), deviceLog));

    /// <summary>Records a failed exchange; for an optional request (what only partial download sends) as a warning under its name.</summary>
    internal void Unreachable(Uri url, string name, Diagnostic failure, bool optional)
    {
        var problem = optional
            ? failure with
            {
                Code = DiagnosticCodes.ServerAnswerFailed,
                Severity = Severity.Warning,
                Message = $"{failure.Message} Only esp_https_ota's partial download (CONFIG_ESP_HTTPS_OTA_ENABLE_PARTIAL_DOWNLOAD) and OTA resumption send {name}; a plain download does not meet this.",
            }
            : failure;
        var prefix = Redact(url) + ": ";
        Checks.Add(new(Redact(url), name, false, failure.Message.StartsWith(prefix, StringComparison.Ordinal) ? failure.Message[prefix.Length..] : failure.Message, problem, failure.DeviceLog));
        Unreached |= !optional;
    }

    private static string Redact(Uri url) => Certificates.ServerProbe.Redact(url);
}
