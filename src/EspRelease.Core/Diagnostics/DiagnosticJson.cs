using System.Text.Json;

namespace EspRelease.Core.Diagnostics;

/// <summary>The one JSON shape of a diagnostic list (<c>code</c>, <c>message</c>, <c>file</c>), shared by every <c>--json</c> document and the dev server's JSON lines.</summary>
public static class DiagnosticJson
{
    /// <summary>Writes <c>"name": [ { "code", "message", "file" }, … ]</c>.</summary>
    public static void WriteArray(Utf8JsonWriter w, string name, IEnumerable<Diagnostic> diagnostics)
    {
        w.WriteStartArray(name);
        foreach (var d in diagnostics)
        {
            w.WriteStartObject();
            w.WriteString("code", d.Code);
            w.WriteString("message", d.Message);
            w.WriteString("file", d.File);
            WriteIfSet(w, "phase", d.Phase);
            WriteIfSet(w, "address", d.Address);
            WriteIfSet(w, "deviceLog", d.DeviceLog);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WriteIfSet(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null)
        {
            w.WriteString(name, value);
        }
    }
}
