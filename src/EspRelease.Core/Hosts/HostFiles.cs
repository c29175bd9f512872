using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>What the remote hosts (Azure Blob, S3) share around their SDK calls.</summary>
internal static class HostFiles
{
    /// <summary>
    /// Downloads into a temporary file (deleted on close): the image reader seeks, and a network error
    /// surfaces here, mapped, not mid-inspection. <paramref name="download"/> returns false when the object does not exist.
    /// </summary>
    public static async Task<Stream?> DownloadToTemporaryAsync(Func<FileStream, Task<bool>> download)
    {
        var file = new FileStream(Path.Combine(Path.GetTempPath(), $"esp-release-{Guid.NewGuid():n}.download"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 4096, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            if (!await download(file))
            {
                await file.DisposeAsync();
                return null;
            }

            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>A host path: relative, '/'-separated, no empty, '.' or '..' segment.</summary>
    public static string CheckPath(string path) =>
        path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or "..")
            ? throw new ArgumentException($"\"{path}\" is not a host path", nameof(path))
            : path;

    /// <summary>False (nothing to do) when the stored SHA-256 is this release's; else the refusal to overwrite.</summary>
    public static bool SameOrConflict(string url, string found, string sha256) =>
        found == sha256
            ? false
            : throw new EspReleaseException(DiagnosticCodes.ImmutableConflict,
                $"{url}: already published with other bytes (SHA-256 {found}, this release has {sha256}). A published version is never overwritten: devices and caches may hold the old bytes. Raise the version (PROJECT_VER) and rebuild.", url);

    /// <summary>The refusal when a pointer changed since it was read.</summary>
    public static EspReleaseException Changed(string url) =>
        new(DiagnosticCodes.ConcurrentPublish,
            $"{url}: changed since this command read it (another publish, promote or rollback ran at the same time). Nothing was changed; run the command again.", url, FailureKind.Host);
}
