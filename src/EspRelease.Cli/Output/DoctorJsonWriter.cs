using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;

namespace EspRelease.Cli.Output;

/// <summary>The <c>doctor --json</c> document: <c>{ ok, findings, unexplained, notChecked }</c>.</summary>
internal static class DoctorJsonWriter
{
    public static void Write(TextWriter stdout, DoctorReport report) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", !report.FailureFound);
        w.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            w.WriteStartObject();
            w.WriteString("code", f.Code);
            w.WriteString("severity", f.Severity == Severity.Error ? "error" : "warning");
            w.WriteString("cause", f.Cause);
            w.WriteString("fix", f.Fix);
            w.WriteStartArray("lines");
            foreach (var line in f.Lines)
            {
                w.WriteStringValue(line);
            }

            w.WriteEndArray();
            w.WriteString("evidence", f.Evidence);
            w.WriteNumber("count", f.Count);
            w.WriteBoolean("predicted", f.Predicted);
            w.WriteBoolean("confirmed", f.Confirmed);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteStartArray("unexplained");
        foreach (var line in report.Unexplained)
        {
            w.WriteStringValue(line);
        }

        w.WriteEndArray();
        DiagnosticJson.WriteArray(w, "notChecked", report.NotChecked);
        w.WriteStartArray("skipped");
        foreach (var skipped in report.Skipped)
        {
            w.WriteStringValue(skipped);
        }

        w.WriteEndArray();
    });
}
