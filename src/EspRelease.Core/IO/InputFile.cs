using System.Text;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.IO;

/// <summary>
/// The one way esp-release opens a file a user gave it (an image, a partition table, build JSON, a key,
/// sdkconfig, esp-release.json). It refuses what is not a regular file <em>before</em> opening it (open(2)
/// of a named pipe blocks, /dev/zero never ends), reads at most the length the file had when it was
/// opened, and turns every I/O failure into an <see cref="EspReleaseException"/> (exit 1) that names the
/// file, what it is and the fix, never an exception with a stack trace.
/// </summary>
public static class InputFile
{
    /// <summary>The most a whole-file read takes by default: build JSON, keys and sdkconfig files are kilobytes.</summary>
    public const long DefaultMaxLength = 64L * 1024 * 1024;

    /// <summary>True when anything is at <paramref name="path"/> (a file of any kind or a directory), so the caller's "not found" is only said when true.</summary>
    public static bool Exists(string path) =>
        InputPath.Problem(path) is null && FileKinds.Of(path, out _) != FileKind.Missing;

    /// <summary>Throws unless <paramref name="path"/> names a regular file (or, where the OS cannot tell, something that may be one); opens nothing.</summary>
    /// <exception cref="EspReleaseException">Missing, not a regular file, or not reachable.</exception>
    public static void EnsureRegular(string path)
    {
        if (InputPath.Problem(path) is { } problem)
        {
            // The path itself is not shown raw (nor given as the file): a NUL would travel into every output.
            throw Refuse(DiagnosticCodes.FileUnreadable, null, $"{InputPath.Quote(path)}: not a usable path: {problem}. Pass the file's real name.");
        }

        switch (FileKinds.Of(path, out var error))
        {
            case FileKind.Regular or FileKind.Unknown:
                return;
            case FileKind.Missing:
                throw Refuse(DiagnosticCodes.FileNotFound, path, $"{path}: no such file. Check the path (relative paths start at {Directory.GetCurrentDirectory()}).");
            case FileKind.Inaccessible:
                throw Refuse(DiagnosticCodes.FileUnreadable, path, $"{path}: cannot look at the file ({error}). Check that each folder on the path exists and that this user may enter it (ls -ld), then try again.");
            case var kind:
                throw NotRegular(path, kind);
        }
    }

    /// <summary>Opens a regular file for reading; the stream is seekable and ends at the length the file had now.</summary>
    /// <exception cref="EspReleaseException">Missing, not a regular file, or unreadable.</exception>
    public static Stream OpenRead(string path)
    {
        EnsureRegular(path);
        FileStream stream;
        try
        {
            // bufferSize 1: no FileStream buffer; the readers bring their own.
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw Unreadable(path, e);
        }

        // Where the OS could not tell the kind beforehand: a device or pipe does not seek, so it is refused here.
        if (!stream.CanSeek)
        {
            stream.Dispose();
            throw NotRegular(path, FileKind.Unknown);
        }

        return new BoundedReadStream(stream, stream.Length);
    }

    /// <summary>The whole file, refused when it is longer than <paramref name="maxLength"/>.</summary>
    /// <exception cref="EspReleaseException">Missing, not a regular file, unreadable or too large.</exception>
    public static byte[] ReadAllBytes(string path, long maxLength = DefaultMaxLength)
    {
        using var stream = OpenRead(path);
        if (stream.Length > maxLength)
        {
            throw Refuse(DiagnosticCodes.FileTooLarge, path,
                $"{path}: expected at most {maxLength} bytes for this kind of file, found {stream.Length}. Check that the path names the right file.");
        }

        var bytes = new byte[stream.Length];
        try
        {
            var read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            return read == bytes.Length ? bytes : bytes[..read]; // it shrank meanwhile: what was there
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unreadable(path, e);
        }
    }

    /// <summary>The whole file as text (UTF-8 unless a byte order mark says otherwise, as File.ReadAllText reads).</summary>
    /// <exception cref="EspReleaseException">Missing, not a regular file, unreadable or too large.</exception>
    public static string ReadAllText(string path, long maxLength = DefaultMaxLength)
    {
        var bytes = ReadAllBytes(path, maxLength);
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }

    /// <summary>The typed error for an I/O failure on <paramref name="path"/>, for readers that stream the file themselves.</summary>
    public static EspReleaseException Unreadable(string path, Exception e) => e switch
    {
        FileNotFoundException or DirectoryNotFoundException =>
            Refuse(DiagnosticCodes.FileNotFound, path, $"{path}: no such file. Check the path (relative paths start at {Directory.GetCurrentDirectory()})."),
        UnauthorizedAccessException when Directory.Exists(path) => NotRegular(path, FileKind.Directory),
        UnauthorizedAccessException =>
            Refuse(DiagnosticCodes.FileUnreadable, path, $"{path}: permission denied: this user may not read the file. Check its permissions (ls -l); make it readable (chmod u+r) or run as the user who owns it."),
        _ => Refuse(DiagnosticCodes.FileUnreadable, path, $"{path}: cannot read the file ({e.Message.TrimEnd('.')}). Check the path and the disk, then try again."),
    };

    private static EspReleaseException NotRegular(string path, FileKind kind) => Refuse(DiagnosticCodes.NotARegularFile, path,
        $"{path}: expected a regular file, found {FileKinds.Describe(kind)}. esp-release reads its inputs from regular files only (a device or a pipe may never end); " +
        (kind == FileKind.Directory ? "pass the file inside the folder, not the folder." : "save the data to a file first and pass that file."));

    private static EspReleaseException Refuse(string code, string? file, string message) => new(code, message, file, FailureKind.Usage);
}
