using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>
/// The <c>--json</c> documents of the release verbs. Every one has <c>"ok"</c>, and <c>"errors"</c>
/// and <c>"warnings"</c> in the shape <c>inspect --json</c> uses; manifests appear exactly as signed.
/// </summary>
internal static class ReleaseJsonWriter
{
    public static void WriteFailure(TextWriter stdout, IReadOnlyList<Diagnostic> diagnostics) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", false);
        JsonDocumentWriter.Outcome(w, diagnostics);
    });

    public static void WriteKeygen(TextWriter stdout, string keyId, string privateKey, string publicKey) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("keyId", keyId);
        w.WriteString("privateKey", privateKey);
        w.WriteString("publicKey", publicKey);
    });

    public static void WritePack(TextWriter stdout, PackedRelease release) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        Release(w, release);
        JsonDocumentWriter.Outcome(w, release.Warnings);
    });

    /// <summary><c>version --json</c>: the version git gives HEAD and where it came from.</summary>
    public static void WriteVersion(TextWriter stdout, Core.Versioning.ComputedVersion version, string? written, IReadOnlyList<Diagnostic> warnings) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("version", version.Version);
        w.WriteString("tag", version.Tag);
        w.WriteNumber("height", version.Height);
        w.WriteString("commit", version.Commit);
        w.WriteBoolean("shallow", version.Shallow);
        w.WriteBoolean("tagged", version.Tagged);
        w.WriteString("written", written);
        JsonDocumentWriter.Outcome(w, warnings);
    });

    /// <summary>A channel change; after a publish to a URL host, with the check from the device's side (<c>ok</c> is false when a device would fail, though the release is published).</summary>
    public static void WriteChange(TextWriter stdout, ChannelChange change, PackedRelease? packed, Core.Doctor.ProbeReport? deviceCheck = null) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", deviceCheck?.Ok ?? true);
        w.WriteString("host", change.Host);
        w.WriteString("channel", change.Channel);
        w.WriteBoolean("changed", change.Changed);
        w.WriteNumber("sequence", change.Manifest.Sequence);
        w.WriteString("version", change.Manifest.Version);
        w.WriteString("previousVersion", change.Previous?.Version);
        w.WriteString("action", change.Manifest.Action);
        w.WriteNumber("percent", ChannelRollout.PercentOf(change.Manifest));
        w.WriteString("pointer", change.PointerPath);
        w.WriteNumber("filesUploaded", change.FilesUploaded);
        w.WriteString("keyId", change.KeyId);
        if (change.DeviceUrl is { } deviceUrl)
        {
            // Redacted: a SAS never goes into a machine-readable log either.
            w.WriteString("deviceUrl", deviceUrl.Redacted);
            w.WriteNumber("requestLineBytes", Math.Max(deviceUrl.ChannelRequestLine, deviceUrl.FirmwareRequestLine));
        }

        w.WritePropertyName("manifest");
        JsonDocument.Parse(ManifestSerializer.Serialize(change.Manifest)).WriteTo(w);
        if (packed is not null)
        {
            w.WriteStartObject("release");
            Release(w, packed);
            w.WriteEndObject();
        }

        if (deviceCheck is not null)
        {
            w.WriteStartObject("deviceCheck");
            w.WriteBoolean("ok", deviceCheck.Ok);
            ProbeJsonWriter.Checks(w, deviceCheck);
            w.WriteEndObject();
        }

        JsonDocumentWriter.Outcome(w, [.. packed?.Warnings ?? [], .. change.Warnings, .. deviceCheck?.Problems ?? []]);
    });

    public static void WriteVerify(TextWriter stdout, IReadOnlyList<VerificationReport> reports) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteStartArray("verified");
        foreach (var r in reports)
        {
            w.WriteStartObject();
            w.WriteString("manifest", r.Origin);
            w.WriteString("firmware", r.FirmwareOrigin);
            w.WriteString("keyId", r.Key.KeyId);
            w.WriteString("key", r.Key.Origin);
            w.WritePropertyName("payload");
            JsonDocument.Parse(ManifestSerializer.Serialize(r.Manifest)).WriteTo(w);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonDocumentWriter.Outcome(w, []);
    });

    private static void Release(Utf8JsonWriter w, PackedRelease release)
    {
        w.WriteString("directory", release.Directory);
        w.WriteString("firmware", release.FirmwarePath);
        w.WriteString("manifestJson", release.ManifestJsonPath);
        w.WriteString("manifestJws", release.ManifestJwsPath);
        w.WriteString("keyId", release.KeyId);
        if (release.Factory is { } f)
        {
            w.WriteStartObject("factory");
            w.WriteString("image", f.ImagePath);
            w.WriteNumber("size", f.Size);
            w.WriteString("sha256", f.Sha256);
            w.WriteString("webInstallManifest", f.WebManifestPath);
            w.WriteEndObject();
        }
        else
        {
            w.WriteNull("factory");
        }

        w.WritePropertyName("manifest");
        JsonDocument.Parse(release.ManifestBytes).WriteTo(w);
    }
}
