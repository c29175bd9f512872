using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>
/// A folder as a host: for a web server's document root, a mounted share, or a local test. Every
/// file is written to a temporary name, flushed and renamed, so readers (and a crash) never see a
/// partial file. The pointer's compare-and-swap runs under an exclusive lock on a hidden sidecar
/// file, so of two publishers (threads or processes on this machine) exactly one wins; across
/// machines on a network share that depends on the share honouring locks.
/// </summary>
public sealed class DirectoryHost : IReleaseHost
{
    private const int CopyBuffer = 256 * 1024;

    public DirectoryHost(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string Display => Root;

    public Task<HostObject?> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        return Task.FromResult(Guard(full, () =>
        {
            if (!File.Exists(full))
            {
                return null;
            }

            var content = File.ReadAllBytes(full);
            return new HostObject(content, Tag(content));
        }));
    }

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        return Task.FromResult(Guard(full, () => File.Exists(full) ? (Stream)File.OpenRead(full) : null));
    }

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var folder = prefix.Contains('/', StringComparison.Ordinal) ? prefix[..prefix.LastIndexOf('/')] : "";
        var dir = folder.Length == 0 ? Root : FullPath(folder);
        IReadOnlyList<string> found = !Directory.Exists(dir) ? [] : Guard(dir, () => Directory
            .EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .Where(f => !AtomicFile.IsTemporary(Path.GetFileName(f)))
            .Select(f => Path.GetRelativePath(Root, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(p => p.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToList());
        return Task.FromResult(found);
    }

    public async Task<bool> CreateAsync(string path, string localFile, string sha256, IProgress<ProgressReport>? progress, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        if (File.Exists(full))
        {
            return SameOrConflict(full, sha256);
        }

        var temp = AtomicFile.TempPathFor(full);
        try
        {
            var total = new FileInfo(localFile).Length;
            await using (var input = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan | FileOptions.Asynchronous))
            await using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                var buffer = new byte[CopyBuffer];
                long done = 0;
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    done += read;
                    progress?.Report(new ProgressReport($"copy {path}", done, total));
                }

                output.Flush(flushToDisk: true);
            }

            return Publish(temp, full, sha256);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(full, e);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public Task<bool> CreateAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        var sha = Tag(content);
        if (File.Exists(full))
        {
            return Task.FromResult(SameOrConflict(full, sha));
        }

        var temp = AtomicFile.TempPathFor(full);
        try
        {
            Guard(full, () =>
            {
                using var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write);
                output.Write(content);
                output.Flush(flushToDisk: true);
                return 0;
            });
            return Task.FromResult(Publish(temp, full, sha));
        }
        finally
        {
            File.Delete(temp);
        }
    }

    public async Task ReplaceAsync(string path, byte[] content, string? expectedTag, CancellationToken cancellationToken)
    {
        var full = FullPath(path);
        await using var held = await LockAsync(full, cancellationToken);
        Guard(full, () =>
        {
            var temp = AtomicFile.TempPathFor(full);
            try
            {
                using (var output = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                {
                    output.Write(content);
                    output.Flush(flushToDisk: true);
                }

                var current = File.Exists(full) ? Tag(File.ReadAllBytes(full)) : null;
                if (current != expectedTag)
                {
                    throw new EspReleaseException(DiagnosticCodes.ConcurrentPublish,
                        $"{full}: changed since this command read it (another publish, promote or rollback ran at the same time). Nothing was changed; run the command again.", full, FailureKind.Host);
                }

                File.Move(temp, full, overwrite: true);
                return 0;
            }
            finally
            {
                File.Delete(temp);
            }
        });
    }

    // The tag check and the rename must be one step. FileShare.None is an exclusive flock on Unix (a
    // share lock on Windows) that the OS drops when the process dies, so a crash never leaves the
    // channel locked. The sidecar is named like a temporary file, so listings skip it.
    private static async Task<FileStream> LockAsync(string full, CancellationToken cancellationToken)
    {
        var lockFile = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.lock.tmp");
        Guard(full, () => Directory.CreateDirectory(Path.GetDirectoryName(full)!));
        for (var waited = 0; ; waited++)
        {
            try
            {
                return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (waited < 1500)
            {
                // Held by the other writer for the few milliseconds of a compare and rename.
                await Task.Delay(20, cancellationToken);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw Unavailable(lockFile, e);
            }
        }
    }

    private static bool Publish(string temp, string full, string sha256)
    {
        try
        {
            File.Move(temp, full, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(full))
        {
            // Someone else created it between our check and the rename: same rules.
            return SameOrConflict(full, sha256);
        }
    }

    private static bool SameOrConflict(string full, string sha256)
    {
        using var existing = File.OpenRead(full);
        var found = Convert.ToHexStringLower(SHA256.HashData(existing));
        return found == sha256
            ? false
            : throw new EspReleaseException(DiagnosticCodes.ImmutableConflict,
                $"{full}: already published with other bytes (SHA-256 {found}, this release has {sha256}). A published version is never overwritten: devices and caches may hold the old bytes. Raise the version (PROJECT_VER) and rebuild.", full);
    }

    private static string Tag(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    private string FullPath(string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"\"{path}\" is not a host path", nameof(path));
        }

        return Path.Combine(Root, path.Replace('/', Path.DirectorySeparatorChar));
    }

    private static T Guard<T>(string full, Func<T> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unavailable(full, e);
        }
    }

    private static EspReleaseException Unavailable(string full, Exception e) =>
        new(DiagnosticCodes.HostUnavailable, $"{full}: cannot read or write the host folder ({e.Message}). Check that it exists, is writable, and the disk is not full.", full, FailureKind.Host, e);
}
