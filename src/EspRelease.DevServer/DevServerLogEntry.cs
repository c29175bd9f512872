using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace EspRelease.DevServer;

/// <summary>
/// One line of the server's log: a request, or a TLS handshake that failed. Written as text for people
/// (<see cref="ToText"/>) or as one JSON object per line for scripts (<see cref="ToJson"/>).
/// </summary>
/// <param name="Time">When it happened (written in UTC).</param>
/// <param name="Client">The client's address; an IPv4 client on the dual-stack socket is shown as IPv4, not ::ffff:a.b.c.d.</param>
public abstract record DevServerLogEntry(DateTimeOffset Time, IPAddress? Client)
{
    private static readonly JsonWriterOptions _compact = new() { Indented = false };

    /// <summary>The JSON <c>"event"</c> name.</summary>
    public abstract string EventName { get; }

    /// <summary>The line for people: UTC time, client address, then what happened.</summary>
    public abstract string ToText();

    /// <summary>One JSON object without line breaks.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, _compact))
        {
            w.WriteStartObject();
            w.WriteString("event", EventName);
            w.WriteString("time", FormatTime(Time));
            w.WriteString("client", Client?.ToString());
            WriteMembers(w);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    protected abstract void WriteMembers(Utf8JsonWriter writer);

    /// <summary>"2026-11-25T10:15:02.123Z 192.168.1.50".</summary>
    protected string Prefix => $"{FormatTime(Time)} {Client?.ToString() ?? "-"}";

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}

/// <summary>One HTTP request, as answered.</summary>
/// <param name="Time">When the request arrived.</param>
/// <param name="Client">The client's address.</param>
/// <param name="Method">GET, HEAD, … ("-" when Kestrel refused the request before it was parsed).</param>
/// <param name="Target">The request target as sent, with secret query values (a SAS <c>sig=</c>, tokens) replaced by <c>REDACTED</c>.</param>
/// <param name="Range">The Range header, if any.</param>
/// <param name="Status">The status code sent.</param>
/// <param name="Bytes">Body bytes sent (0 for HEAD).</param>
/// <param name="Duration">From the request's arrival to the end of the response.</param>
/// <param name="Tls">The TLS version (TLSv1.2, TLSv1.3).</param>
public sealed record RequestLogEntry(
    DateTimeOffset Time,
    IPAddress? Client,
    string Method,
    string Target,
    string? Range,
    int Status,
    long Bytes,
    TimeSpan Duration,
    string? Tls) : DevServerLogEntry(Time, Client)
{
    /// <summary>The client went away before the response was complete.</summary>
    public bool Aborted { get; init; }

    /// <summary>Something worth knowing about this request (a refused key file, a rewritten Host header, Kestrel's reason for a 400).</summary>
    public string? Note { get; init; }

    public override string EventName => "request";

    public override string ToText()
    {
        var sb = new StringBuilder(Prefix)
            .Append(" \"").Append(Method).Append(' ').Append(Target).Append("\" ")
            .Append(Status.ToString(CultureInfo.InvariantCulture)).Append(' ')
            .Append(Bytes.ToString(CultureInfo.InvariantCulture)).Append("B range=")
            .Append(Range is null ? "-" : LogText.Token(Range)).Append(' ')
            .Append(((long)Duration.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms ")
            .Append(Tls ?? "-");
        if (Aborted)
        {
            sb.Append(" aborted");
        }

        if (Note is not null)
        {
            sb.Append(" (").Append(Note).Append(')');
        }

        return sb.ToString();
    }

    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("method", Method);
        writer.WriteString("target", Target);
        writer.WriteString("range", Range);
        writer.WriteNumber("status", Status);
        writer.WriteNumber("bytes", Bytes);
        writer.WriteNumber("ms", (long)Duration.TotalMilliseconds);
        writer.WriteString("tls", Tls);
        writer.WriteBoolean("aborted", Aborted);
        writer.WriteString("note", Note);
    }
}

/// <summary>Why a TLS handshake did not complete, as far as the server can tell.</summary>
public enum TlsFailureKind
{
    /// <summary>The client connected and closed (or timed out) without sending a byte.</summary>
    NoData,

    /// <summary>The client sent plain HTTP to the HTTPS port (an http:// URL).</summary>
    PlainHttp,

    /// <summary>The client sent something that is not TLS.</summary>
    NotTls,

    /// <summary>The client ended the handshake with a TLS alert (it names the reason).</summary>
    Alert,

    /// <summary>The client closed or stalled during the handshake without a readable alert.</summary>
    Closed,
}

/// <summary>A TLS handshake that did not complete: what a device that rejects the certificate looks like from the server.</summary>
/// <param name="Time">When the connection ended.</param>
/// <param name="Client">The client's address.</param>
/// <param name="Kind">What the server saw.</param>
/// <param name="Message">The reason and the fix, in words.</param>
public sealed record TlsFailureLogEntry(DateTimeOffset Time, IPAddress? Client, TlsFailureKind Kind, string Message) : DevServerLogEntry(Time, Client)
{
    /// <summary>The alert's description code (48 unknown_ca, 42 bad_certificate, …) when the client sent one in the clear.</summary>
    public int? Alert { get; init; }

    /// <summary>The alert's RFC 8446 name.</summary>
    public string? AlertName { get; init; }

    /// <summary>What the server's TLS library reported, when it said something.</summary>
    public string? Detail { get; init; }

    public override string EventName => "tls-handshake-failed";

    public override string ToText() =>
        $"{Prefix} TLS handshake failed: {Message}" + (Detail is null ? "" : $" [server TLS: {Detail}]");

    protected override void WriteMembers(Utf8JsonWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteString("kind", Kind switch
        {
            TlsFailureKind.NoData => "no-data",
            TlsFailureKind.PlainHttp => "plain-http",
            TlsFailureKind.NotTls => "not-tls",
            TlsFailureKind.Alert => "alert",
            _ => "closed",
        });
        if (Alert is { } alert)
        {
            writer.WriteNumber("alert", alert);
        }
        else
        {
            writer.WriteNull("alert");
        }

        writer.WriteString("alertName", AlertName);
        writer.WriteString("message", Message);
        writer.WriteString("detail", Detail);
    }
}

/// <summary>Makes client-controlled text safe for a one-line log.</summary>
internal static class LogText
{
    /// <summary>Control characters escaped (\xNN), so a request cannot forge or break log lines.</summary>
    public static string Safe(string text)
    {
        if (!text.Any(c => char.IsControl(c) || c == '"'))
        {
            return text;
        }

        var sb = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (char.IsControl(c) || c == '"')
            {
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            }
            else
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary><see cref="Safe"/> without spaces, for a space-separated field.</summary>
    public static string Token(string text) => Safe(text).Replace(" ", "", StringComparison.Ordinal);
}
