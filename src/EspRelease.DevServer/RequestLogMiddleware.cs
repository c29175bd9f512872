using System.Diagnostics;
using System.Security.Authentication;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace EspRelease.DevServer;

/// <summary>
/// The first middleware: one log line per request once its response is done (status, body bytes actually
/// written, duration). An exception below it becomes a 500 with its message in the log, never a stack trace.
/// </summary>
internal sealed class RequestLogMiddleware(RequestDelegate next, Action<DevServerLogEntry> log, TimeProvider time)
{
    /// <summary>HttpContext.Items key for a note from a later middleware (e.g. a refused key file).</summary>
    public const string NoteItem = "esp-release.note";

    public async Task InvokeAsync(HttpContext context)
    {
        var arrived = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var body = context.Features.Get<IHttpResponseBodyFeature>()!;
        var counting = new CountingResponseBody(body);
        context.Features.Set<IHttpResponseBodyFeature>(counting);
        var unbracketedHost = context.Request.Headers[HostHeaderRewriter.NoteHeader].ToString();
        context.Request.Headers.Remove(HostHeaderRewriter.NoteHeader);
        string? failure = null;
        try
        {
            await next(context);
        }
#pragma warning disable CA1031 // Whatever failed, the client gets a 500 and the log one line; the server keeps serving.
        catch (Exception e)
#pragma warning restore CA1031
        {
            failure = $"failed: {e.GetType().Name}: {LogText.Safe(e.Message.ReplaceLineEndings(" "))}";
            if (!context.Response.HasStarted)
            {
                context.Response.Clear();
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }
            else
            {
                context.Abort();
            }
        }
        finally
        {
            context.Features.Set(body);
        }

        var notes = new List<string>();
        if (unbracketedHost.Length > 0)
        {
            notes.Add($"Host \"{LogText.Safe(unbracketedHost)}\": an IPv6 address without brackets, as esp_http_client writes it; read as {context.Request.Host}");
        }

        if (context.Items.TryGetValue(NoteItem, out var note) && note is string text)
        {
            notes.Add(text);
        }

        if (failure is not null)
        {
            notes.Add(failure);
        }

        var request = context.Features.Get<IHttpRequestFeature>();
        var target = request?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        var range = context.Request.Headers.Range.ToString();
        log(new RequestLogEntry(
            arrived,
            ClientAddress.Normalize(context.Connection.RemoteIpAddress),
            LogText.Token(context.Request.Method),
            LogText.Safe(SecretRedaction.RedactTarget(target)),
            range.Length == 0 ? null : range,
            context.Response.StatusCode,
            counting.BytesWritten,
            Stopwatch.GetElapsedTime(started),
            TlsName(context.Features.Get<ITlsHandshakeFeature>()?.Protocol))
        {
            Aborted = context.RequestAborted.IsCancellationRequested,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        });
    }

    /// <summary>"TLSv1.2", as OpenSSL and most servers print it.</summary>
    public static string? TlsName(SslProtocols? protocol) => protocol switch
    {
        null or SslProtocols.None => null,
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls13 => "TLSv1.3",
        var other => other.ToString(),
    };
}
