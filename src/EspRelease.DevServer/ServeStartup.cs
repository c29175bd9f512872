using System.Globalization;
using System.Text;
using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.DevServer;

/// <summary>What `esp-release serve` prints once it listens: where, with which certificate, and the URL(s) for sdkconfig.</summary>
/// <param name="Root">The served folder.</param>
/// <param name="Port">The port (the real one when 0 was asked for).</param>
/// <param name="EndPoints">What it listens on ("[::]:8070" for the dual-stack default).</param>
/// <param name="DualStack">One socket takes IPv4 and IPv6 clients.</param>
/// <param name="File">The served file the URLs name, relative; null for the folder.</param>
/// <param name="FileExists">That file exists now.</param>
/// <param name="Urls">The URLs, the preferred one first.</param>
/// <param name="CaPath">The development CA's certificate file.</param>
/// <param name="CaCreated">This run created the CA.</param>
/// <param name="CaSha256">The CA certificate's SHA-256.</param>
/// <param name="CaNotAfter">The CA's end of validity.</param>
/// <param name="ServerCertificateSha256">The server certificate's SHA-256 (issued at this start).</param>
/// <param name="ServerCertificateNotAfter">Its end of validity.</param>
/// <param name="Covers">The addresses and names in its subjectAltName.</param>
/// <param name="Project">What --project changed; null without it.</param>
/// <param name="Warnings">Warnings to show.</param>
public sealed record ServeStartup(
    string Root,
    int Port,
    IReadOnlyList<string> EndPoints,
    bool DualStack,
    string? File,
    bool FileExists,
    IReadOnlyList<AdvertisedUrl> Urls,
    string CaPath,
    bool CaCreated,
    string CaSha256,
    DateTime CaNotAfter,
    string ServerCertificateSha256,
    DateTime ServerCertificateNotAfter,
    IReadOnlyList<string> Covers,
    ProjectSetup? Project,
    IReadOnlyList<Diagnostic> Warnings)
{
    private static readonly JsonWriterOptions _compact = new() { Indented = false };

    public AdvertisedUrl PreferredUrl => Urls.First(u => u.Preferred);

    /// <summary>The start-up report for people (warnings are written separately, to stderr).</summary>
    public void WriteText(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var binding = DualStack ? "IPv4 and IPv6 on one socket" : string.Join(", ", EndPoints);
        output.WriteLine($"Serving {Root} on port {Port} ({binding}): HTTPS, HTTP/1.1, GET/HEAD with Range, no compression, no directory listing.");
        output.WriteLine($"Development CA: {CaPath} (SHA-256 {CaSha256}{(CaCreated ? ", created now" : "")}, not after {CaNotAfter:yyyy-MM-dd})");
        output.WriteLine($"Server certificate: SHA-256 {ServerCertificateSha256}, issued now, not after {ServerCertificateNotAfter:yyyy-MM-dd}");
        output.WriteLine($"  covers: {string.Join(", ", Covers)}");
        output.WriteLine(File is null
            ? "URLs (append the path of the file the device should download):"
            : $"Firmware URL{(Urls.Count > 1 ? "s" : "")} for sdkconfig ({File}{(FileExists ? "" : ", not there yet")}):");
        var width = Urls.Max(u => u.Url.Length);
        foreach (var url in Urls)
        {
            var label = url.Preferred ? $"preferred: {url.Reason}" : url.Source;
            output.WriteLine($"  {url.Url.PadRight(width)}  {label}");
        }

        if (Project is { } project)
        {
            output.WriteLine($"Project {project.Directory}:");
            output.WriteLine($"  CA file {project.CaFile}, found via {project.CaFileFoundBy}: {(project.CaFileChanged ? "wrote the development CA" : "already holds the development CA")}");
            foreach (var change in project.Changes)
            {
                var what = change.Change.Kind switch
                {
                    SdkconfigChangeKind.Unchanged => "unchanged",
                    SdkconfigChangeKind.Replaced => $"replaced line {change.Change.Line}",
                    _ => change.Created ? "created the file" : $"appended at line {change.Change.Line}",
                };
                output.WriteLine($"  {change.File}: {change.Change.Value.ToLine(change.Change.Name)}  [{what}]");
            }
        }
        else
        {
            output.WriteLine($"Set it with `esp-release sdkconfig url {PreferredUrl.Url}`, and put {CaPath} in the firmware's CA file (or run serve with --project DIR to do both).");
        }

        if (OperatingSystem.IsWindows())
        {
            output.WriteLine($"If devices time out (errno 113), Windows Firewall drops them; allow the port (run as administrator): netsh advfirewall firewall add rule name=\"esp-release dev\" dir=in action=allow protocol=TCP localport={Port} profile=private,domain");
        }

        output.WriteLine("One log line per request and per failed TLS handshake follows. Ctrl+C stops.");
    }

    /// <summary>The start-up report as one JSON line (<c>"event": "listening"</c>).</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, _compact))
        {
            w.WriteStartObject();
            w.WriteString("event", "listening");
            w.WriteBoolean("ok", true);
            w.WriteString("root", Root);
            w.WriteNumber("port", Port);
            w.WriteStartArray("endpoints");
            foreach (var endPoint in EndPoints)
            {
                w.WriteStringValue(endPoint);
            }

            w.WriteEndArray();
            w.WriteBoolean("dualStack", DualStack);
            w.WriteString("file", File);
            w.WriteBoolean("fileExists", FileExists);
            w.WriteString("preferredUrl", PreferredUrl.Url);
            w.WriteStartArray("urls");
            foreach (var url in Urls)
            {
                w.WriteStartObject();
                w.WriteString("url", url.Url);
                w.WriteString("host", url.Host);
                w.WriteString("source", url.Source);
                w.WriteBoolean("preferred", url.Preferred);
                w.WriteString("reason", url.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteStartObject("ca");
            w.WriteString("path", CaPath);
            w.WriteBoolean("created", CaCreated);
            w.WriteString("sha256", CaSha256);
            w.WriteString("notAfter", CaNotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteEndObject();
            w.WriteStartObject("serverCertificate");
            w.WriteString("sha256", ServerCertificateSha256);
            w.WriteString("notAfter", ServerCertificateNotAfter.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteStartArray("covers");
            foreach (var name in Covers)
            {
                w.WriteStringValue(name);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            if (Project is { } project)
            {
                w.WriteStartObject("project");
                w.WriteString("directory", project.Directory);
                w.WriteString("caFile", project.CaFile);
                w.WriteBoolean("caFileChanged", project.CaFileChanged);
                w.WriteString("urlOption", SdkconfigFile.Prefix + project.UrlOption);
                w.WriteString("url", project.Url);
                w.WriteStartArray("files");
                foreach (var change in project.Changes)
                {
                    w.WriteStartObject();
                    w.WriteString("path", change.File);
                    w.WriteString("change", change.Change.Kind == SdkconfigChangeKind.Appended && change.Created ? "created" : change.Change.Kind.ToString().ToLowerInvariant());
                    w.WriteNumber("line", change.Change.Line);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }
            else
            {
                w.WriteNull("project");
            }

            DiagnosticJson.WriteArray(w, "warnings", Warnings);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>A start-up failure as one JSON line (<c>"event": "failed"</c>), in the shape of the other commands' "errors".</summary>
    public static string FailureJson(IReadOnlyList<Diagnostic> diagnostics)
    {
        ArgumentNullException.ThrowIfNull(diagnostics);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, _compact))
        {
            w.WriteStartObject();
            w.WriteString("event", "failed");
            w.WriteBoolean("ok", false);
            DiagnosticJson.WriteArray(w, "errors", diagnostics.Where(d => d.Severity == Severity.Error));
            DiagnosticJson.WriteArray(w, "warnings", diagnostics.Where(d => d.Severity == Severity.Warning));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The last line: <c>{"event":"stopped"}</c>.</summary>
    public static string StoppedJson() => "{\"event\":\"stopped\"}";
}
