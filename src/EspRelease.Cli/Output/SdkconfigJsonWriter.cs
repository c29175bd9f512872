using System.Text.Json;
using EspRelease.Cli.Commands;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Output;

/// <summary>
/// The <c>--json</c> documents of the <c>sdkconfig</c> subcommands. Like the release verbs, each has
/// <c>"ok"</c>, <c>"errors"</c> and <c>"warnings"</c>; values are JSON booleans for bools and strings otherwise.
/// </summary>
internal static class SdkconfigJsonWriter
{
    public static void WriteGet(TextWriter stdout, SdkconfigSetting setting, SdkconfigSetting? freshBuild) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("option", setting.FullName);
        Setting(w, setting);
        w.WritePropertyName("freshBuild");
        if (freshBuild is null)
        {
            w.WriteNullValue();
        }
        else
        {
            w.WriteStartObject();
            Setting(w, freshBuild);
            w.WriteEndObject();
        }

        JsonDocumentWriter.Outcome(w, []);
    });

    public static void WriteSet(TextWriter stdout, SdkconfigFile file, SdkconfigChange change, IReadOnlyList<Diagnostic> warnings) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("option", SdkconfigFile.Prefix + change.Name);
        Value(w, change.Value);
        w.WriteStartArray("files");
        File(w, file, change);
        w.WriteEndArray();
        JsonDocumentWriter.Outcome(w, warnings);
    });

    public static void WriteUrl(TextWriter stdout, OtaUrlOption option, string url, IReadOnlyList<(SdkconfigFile File, SdkconfigChange Change)> changes, IReadOnlyList<Diagnostic> warnings) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("option", SdkconfigFile.Prefix + option.Name);
        w.WriteString("url", url);
        w.WriteString("kconfig", option.Symbol?.File);
        w.WriteStartArray("candidates");
        foreach (var c in option.Candidates)
        {
            w.WriteStringValue(SdkconfigFile.Prefix + c.Name);
        }

        w.WriteEndArray();
        w.WriteStartArray("files");
        foreach (var (file, change) in changes)
        {
            File(w, file, change);
        }

        w.WriteEndArray();
        JsonDocumentWriter.Outcome(w, warnings);
    });

    public static void WriteCheck(TextWriter stdout, SecurityReport report, bool release, IReadOnlyList<Diagnostic> diagnostics) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", !release || report.IsSecure);
        w.WriteBoolean("release", release);
        w.WriteString("configuration", report.View.Description);
        w.WriteStartArray("files");
        foreach (var f in report.View.Files)
        {
            w.WriteStringValue(f);
        }

        w.WriteEndArray();
        w.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            w.WriteStartObject();
            w.WriteString("code", release ? f.ErrorCode : f.WarningCode);
            w.WriteString("option", f.Setting.FullName);
            Setting(w, f.Setting);
            w.WriteString("message", f.Message);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonDocumentWriter.Outcome(w, diagnostics);
    });

    private static void Setting(Utf8JsonWriter w, SdkconfigSetting s)
    {
        Value(w, s.Value);
        w.WriteString("source", SdkconfigOptions.SourceName(s.Source));
        w.WriteString("file", s.File);
        if (s.Line is { } line)
        {
            w.WriteNumber("line", line);
        }
        else
        {
            w.WriteNull("line");
        }

        w.WriteBoolean("markedDefault", s.IsDefault);
    }

    private static void Value(Utf8JsonWriter w, SdkconfigValue v)
    {
        if (v.Kind == SdkconfigValueKind.Bool)
        {
            w.WriteBoolean("value", v.IsEnabled);
        }
        else
        {
            w.WriteString("value", v.Text);
        }

        w.WriteString("type", v.Kind switch
        {
            SdkconfigValueKind.Bool => "bool",
            SdkconfigValueKind.Text => "string",
            SdkconfigValueKind.Number => "int",
            SdkconfigValueKind.Hex => "hex",
            SdkconfigValueKind.Empty => "empty",
            _ => "other",
        });
        w.WriteString("literal", v.Literal);
    }

    private static void File(Utf8JsonWriter w, SdkconfigFile file, SdkconfigChange change)
    {
        w.WriteStartObject();
        w.WriteString("file", file.Path);
        w.WriteString("action", file.IsNew ? "created" : change.Kind.ToString().ToLowerInvariant());
        w.WriteNumber("line", change.Line);
        w.WriteString("previous", change.Previous?.ToString());
        w.WriteBoolean("removedDefaultMarker", change.RemovedDefaultMarker);
        w.WriteEndObject();
    }
}
