namespace EspRelease.Core.IO;

/// <summary>
/// Writes files so that a reader never sees half of one: the bytes go to a temporary file in the
/// same directory, are flushed to disk, and the temporary file is renamed over the target. A crash
/// leaves at most a stray <c>.*.tmp</c> file, never a partial target.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, bool overwrite = true, bool durable = true)
    {
        var temp = TempPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: durable);
            }

            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>
    /// Writes a secret (a private key): created readable by its owner only (0600) from the first
    /// byte where the OS has modes, flushed, then renamed into place.
    /// </summary>
    public static void WritePrivate(string path, string content)
    {
        var temp = TempPathFor(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Copies <paramref name="source"/> to <paramref name="path"/> through a flushed temporary file.</summary>
    public static void Copy(string source, string path, bool overwrite = true)
    {
        var temp = TempPathFor(path);
        try
        {
            File.Copy(source, temp);
            using (var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite))
            {
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    /// <summary>Moves an already written and flushed temporary file into place.</summary>
    public static void Commit(string temp, string path, bool overwrite = true, bool durable = true)
    {
        if (durable)
        {
            using var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite);
    }

    /// <summary>A unique temporary name beside <paramref name="path"/> (same directory, so the rename is atomic).</summary>
    public static string TempPathFor(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, $".{Path.GetFileName(path)}.{Guid.NewGuid():n}.tmp");
    }

    /// <summary>True for the temporary files this class writes, so listings can skip leftovers of a crash.</summary>
    public static bool IsTemporary(string fileName) =>
        fileName.StartsWith('.') && fileName.EndsWith(".tmp", StringComparison.Ordinal);
}
