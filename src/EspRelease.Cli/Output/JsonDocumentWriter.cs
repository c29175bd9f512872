using System.Text.Json;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>What every <c>--json</c> document shares: one indented object on stdout, and the errors/warnings arrays.</summary>
internal static class JsonDocumentWriter
{
    private static readonly JsonWriterOptions _options = new() { Indented = true };

    /// <summary>Writes <c>{ members }</c> to stdout as one document, then a newline.</summary>
    public static void Write(TextWriter stdout, Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, _options))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }

        stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
    }

    /// <summary>The <c>"errors"</c> and <c>"warnings"</c> arrays, split by severity.</summary>
    public static void Outcome(Utf8JsonWriter w, IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        DiagnosticJson.WriteArray(w, "errors", list.Where(d => d.Severity == Severity.Error));
        DiagnosticJson.WriteArray(w, "warnings", list.Where(d => d.Severity == Severity.Warning));
    }
}
