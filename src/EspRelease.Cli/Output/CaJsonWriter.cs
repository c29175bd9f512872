using System.Net;
using System.Text.Json;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>The <c>--json</c> documents of <c>ca fetch</c>, <c>ca check</c> and <c>ca dev</c>.</summary>
internal static class CaJsonWriter
{
    /// <summary><c>ca fetch</c>: <c>written</c> is false when the file was left as it was (the chosen CA would not verify).</summary>
    public static void WriteFetch(TextWriter stdout, ProjectCaLocation target, bool written, CaSelection selection, IReadOnlyList<(ServerHop Hop, MbedTlsVerdict Verdict)> verdicts, MbedTlsGeneration generation, IReadOnlyList<Diagnostic> diagnostics) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", diagnostics.All(d => d.Severity != Severity.Error));
        w.WriteString("file", target.Path);
        w.WriteBoolean("written", written);
        w.WriteString("foundBy", target.FoundBy);
        Certificates(w, "anchors", selection.Anchors);
        Hops(w, verdicts, generation);
        JsonDocumentWriter.Outcome(w, diagnostics);
    });

    public static void WriteCheck(TextWriter stdout, string file, IReadOnlyList<CertificateInfo> trusted, IReadOnlyList<(ServerHop Hop, MbedTlsVerdict Verdict)> verdicts, MbedTlsGeneration generation, IReadOnlyList<Diagnostic> diagnostics) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", diagnostics.All(d => d.Severity != Severity.Error));
        w.WriteString("file", file);
        Certificates(w, "trusted", trusted);
        Hops(w, verdicts, generation);
        JsonDocumentWriter.Outcome(w, diagnostics);
    });

    public static void WriteDev(TextWriter stdout, DevCertificateAuthority ca, CertificateInfo caInfo, string certificate, string key, IReadOnlyList<string> names, IReadOnlyList<IPAddress> addresses, string? projectFile) => JsonDocumentWriter.Write(stdout, w =>
    {
        w.WriteBoolean("ok", true);
        w.WriteString("ca", ca.CertificatePath);
        w.WriteBoolean("created", ca.Created);
        w.WriteString("caSha256", caInfo.Sha256);
        w.WriteString("serverCertificate", certificate);
        w.WriteString("serverKey", key);
        w.WriteStartArray("names");
        foreach (var n in names.Concat(addresses.Select(a => a.ToString())))
        {
            w.WriteStringValue(n);
        }

        w.WriteEndArray();
        w.WriteString("projectCaFile", projectFile);
    });

    private static void Hops(Utf8JsonWriter w, IReadOnlyList<(ServerHop Hop, MbedTlsVerdict Verdict)> verdicts, MbedTlsGeneration generation)
    {
        w.WriteString("mbedtls", generation.ToString());
        w.WriteStartArray("servers");
        foreach (var (hop, verdict) in verdicts)
        {
            w.WriteStartObject();
            w.WriteString("url", ServerProbe.Redact(hop.Url));
            w.WriteNumber("status", hop.Status);
            w.WriteBoolean("trusted", verdict.Trusted);
            w.WriteString("flags", $"0x{verdict.Flags:x8}");
            w.WriteStartArray("flagNames");
            foreach (var flagName in MbedTlsFlags.Names(verdict.Flags))
            {
                w.WriteStringValue(flagName);
            }

            w.WriteEndArray();
            w.WriteStartArray("reasons");
            foreach (var reason in verdict.Reasons)
            {
                w.WriteStringValue(reason);
            }

            w.WriteEndArray();
            Certificates(w, "served", hop.Served);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void Certificates(Utf8JsonWriter w, string name, IEnumerable<CertificateInfo> certificates)
    {
        w.WriteStartArray(name);
        foreach (var c in certificates)
        {
            w.WriteStartObject();
            w.WriteString("subject", c.SubjectText);
            w.WriteString("issuer", c.Certificate.Issuer);
            w.WriteBoolean("ca", c.IsCa);
            w.WriteString("notAfter", c.NotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            w.WriteString("sha256", c.Sha256);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }
}
