using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Manifests;

/// <summary>
/// Writes manifests as stable JSON (fixed member order, two-space indent, LF, trailing newline), so
/// the same release always has the same bytes, and reads them back strictly.
/// </summary>
public static class ManifestSerializer
{
    // Relaxed escaping: "1.2.3+g1a2b" stays readable (not "\u002B") for people and for the device's small JSON parser.
    // Quotes, backslashes and control characters are still escaped; the output is never embedded in HTML.
    private static readonly JsonWriterOptions _writerOptions = new() { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Serialize(ReleaseManifest m)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, _writerOptions))
        {
            w.WriteStartObject();
            w.WriteString("schema", m.Schema);
            w.WriteString("project", m.Project);
            w.WriteString("version", m.Version);
            w.WriteString("chip", m.Chip);
            w.WriteNumber("chipId", m.ChipId);
            w.WriteNumber("minChipRevision", m.MinChipRevision);
            WriteNullable(w, "maxChipRevision", m.MaxChipRevision);
            w.WriteNumber("secureVersion", m.SecureVersion);
            w.WriteString("idfVersion", m.IdfVersion);
            w.WriteString("elfSha256", m.ElfSha256);
            w.WriteStartObject("firmware");
            w.WriteString("path", m.Firmware.Path);
            w.WriteNumber("size", m.Firmware.Size);
            w.WriteString("sha256", m.Firmware.Sha256);
            w.WriteString("imageDigest", m.Firmware.ImageDigest);
            w.WriteEndObject();
            w.WriteString("channel", m.Channel);
            w.WriteNumber("sequence", m.Sequence);
            w.WriteString("created", m.Created.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            if (m.Action is not null)
            {
                w.WriteString("action", m.Action);
            }

            // Last, after action: a reader that predates rollout stops at nothing it needs.
            if (m.Rollout is { } rollout)
            {
                w.WriteStartObject("rollout");
                w.WriteNumber("percent", rollout.Percent);
                w.WriteString("salt", rollout.Salt);
                w.WriteEndObject();
            }

            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <param name="json">The manifest bytes (a JWS payload or manifest.json).</param>
    /// <param name="origin">The file or URL it came from, for errors.</param>
    public static ReleaseManifest Deserialize(ReadOnlySpan<byte> json, string origin)
    {
        try
        {
            using var doc = InputJson.Parse(json.ToArray());
            var r = doc.RootElement;
            if (r.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(origin, "the top level is not a JSON object");
            }

            var schema = String(r, "schema", origin);
            if (schema != ReleaseManifest.SchemaId)
            {
                throw Invalid(origin, $"\"schema\" is \"{schema}\", expected \"{ReleaseManifest.SchemaId}\" (made by another tool, or by a newer esp-release)");
            }

            var fw = r.TryGetProperty("firmware", out var f) && f.ValueKind == JsonValueKind.Object ? f : throw Invalid(origin, "\"firmware\" is missing or not an object");
            return new ReleaseManifest
            {
                Schema = schema,
                Project = String(r, "project", origin),
                Version = String(r, "version", origin),
                Chip = String(r, "chip", origin),
                ChipId = (int)Integer(r, "chipId", origin, ushort.MaxValue),
                MinChipRevision = (int)Integer(r, "minChipRevision", origin, ushort.MaxValue),
                MaxChipRevision = r.TryGetProperty("maxChipRevision", out var max) && max.ValueKind != JsonValueKind.Null ? (int)Integer(r, "maxChipRevision", origin, ushort.MaxValue) : null,
                SecureVersion = (uint)Integer(r, "secureVersion", origin, uint.MaxValue),
                IdfVersion = String(r, "idfVersion", origin),
                ElfSha256 = OptionalString(r, "elfSha256"),
                Firmware = new FirmwareReference(String(fw, "path", origin), Integer(fw, "size", origin), String(fw, "sha256", origin), OptionalString(fw, "imageDigest")),
                Channel = String(r, "channel", origin),
                Sequence = Integer(r, "sequence", origin),
                Created = DateTimeOffset.Parse(String(r, "created", origin), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
                Action = OptionalString(r, "action"),
                Rollout = Rollout(r, origin),
            };
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw Invalid(origin, e.Message);
        }
    }

    // Absent means every device; present, it must be whole: a device must never guess a cohort.
    private static RolloutState? Rollout(JsonElement obj, string origin)
    {
        if (!obj.TryGetProperty("rollout", out var r))
        {
            return null;
        }

        if (r.ValueKind != JsonValueKind.Object)
        {
            throw Invalid(origin, $"\"rollout\" is {r.ValueKind.ToString().ToLowerInvariant()}, expected an object with \"percent\" and \"salt\"");
        }

        var salt = r.TryGetProperty("salt", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        return RolloutState.IsSalt(salt)
            ? new RolloutState((int)Integer(r, "percent", origin, 100, "rollout.percent"), salt!)
            : throw Invalid(origin, $"\"rollout.salt\" is missing or not {RolloutState.SaltLength} base64url characters");
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, int? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }

    private static string String(JsonElement obj, string name, string origin) =>
        OptionalString(obj, name) ?? throw Invalid(origin, $"\"{name}\" is missing or not a string");

    // Absent or null reads as null; any other type is an error, never silently dropped.
    private static string? OptionalString(JsonElement obj, string name) =>
        !obj.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new InvalidOperationException($"\"{name}\" must be a string or null");

    private static long Integer(JsonElement obj, string name, string origin, long max = long.MaxValue, string? path = null) =>
        obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) && n >= 0 && n <= max
            ? n
            : throw Invalid(origin, $"\"{path ?? name}\" is missing or not an integer from 0 to {max}");

    private static EspReleaseException Invalid(string origin, string what) =>
        new(DiagnosticCodes.ManifestInvalid, $"{origin}: not an esp-release manifest: {what}.", origin);
}
