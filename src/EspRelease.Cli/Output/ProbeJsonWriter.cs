using EspRelease.Core.Certificates;
using EspRelease.Core.Doctor;

namespace EspRelease.Cli.Output;

/// <summary>The <c>probe --json</c> document.</summary>
internal static class ProbeJsonWriter
{
    public static void Write(TextWriter stdout, Uri url, ProbeReport report) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", report.Ok);
        w.WriteString("url", ServerProbe.Redact(url));
        w.WriteString("firmwareUrl", report.FirmwareUrl is null ? null : ServerProbe.Redact(report.FirmwareUrl));
        w.WriteString("version", report.Manifest?.Version);
        w.WriteString("signedBy", report.SignedBy);
        w.WriteBoolean("reached", !report.Unreached);
        Checks(w, report);
        JsonDocumentWriter.Outcome(w, report.Problems);
    });

    /// <summary>The <c>"checks"</c> array, in the order the device meets them.</summary>
    public static void Checks(System.Text.Json.Utf8JsonWriter w, ProbeReport report)
    {
        w.WriteStartArray("checks");
        foreach (var c in report.Checks)
        {
            w.WriteStartObject();
            w.WriteString("url", c.Url);
            w.WriteString("name", c.Name);
            w.WriteBoolean("passed", c.Passed);
            w.WriteString("detail", c.Detail);
            w.WriteString("code", c.Problem?.Code);
            w.WriteString("deviceLog", c.DeviceLog);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
