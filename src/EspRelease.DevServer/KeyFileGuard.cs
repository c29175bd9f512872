using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.FileProviders;

namespace EspRelease.DevServer;

/// <summary>
/// Refuses (403) files that hold private keys. `serve` hands its folder to anyone on the LAN; a folder served by
/// mistake (the repository root, a release folder with keys beside it) must not give away the signing key or
/// the CA key. Key containers are refused by extension; .pem/.key files by content (a CA certificate is fine).
/// </summary>
internal sealed class KeyFileGuard(RequestDelegate next, IFileProvider files)
{
    private static readonly string[] _containers = [".p12", ".pfx", ".jks", ".keystore", ".p8"];
    private static readonly string[] _pemLike = [".pem", ".key", ".crt", ".cer", ".txt", ".der"];

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        var extension = Path.GetExtension(path);
        var refuse = _containers.Contains(extension, StringComparer.OrdinalIgnoreCase)
            || (_pemLike.Contains(extension, StringComparer.OrdinalIgnoreCase) && HoldsPrivateKey(files.GetFileInfo(path)));
        if (!refuse)
        {
            return next(context);
        }

        context.Items[RequestLogMiddleware.NoteItem] = "refused: the file holds a private key, which this server never sends";
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        return Task.CompletedTask;
    }

    private static bool HoldsPrivateKey(IFileInfo file)
    {
        if (!file.Exists || file.IsDirectory)
        {
            return false;
        }

        using var stream = file.CreateReadStream();
        var buffer = new byte[(int)Math.Min(file.Length, 256 * 1024)];
        stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        var text = System.Text.Encoding.Latin1.GetString(buffer);
        return text.Contains("PRIVATE KEY", StringComparison.Ordinal);
    }
}
