using System.Runtime.InteropServices;

namespace EspRelease.Core.IO;

/// <summary>What a path names, as the operating system sees it (symbolic links followed).</summary>
public enum FileKind
{
    /// <summary>Nothing: no such file.</summary>
    Missing,

    /// <summary>A regular file: the only kind esp-release reads input from.</summary>
    Regular,

    Directory,

    CharacterDevice,

    BlockDevice,

    NamedPipe,

    Socket,

    /// <summary>The OS would not say (not Linux, or no statx): opening it is the only way to learn more.</summary>
    Unknown,

    /// <summary>The OS refused to look: permission denied on a folder of the path, a loop of links, a name too long.</summary>
    Inaccessible,
}

/// <summary>
/// Asks the OS what a path is before anything opens it. .NET has no public API for the Unix file type,
/// and opening is too late: open(2) of a named pipe blocks until a writer comes, and a character device
/// such as /dev/zero never ends. Linux's statx(2) has one structure layout on every architecture (unlike
/// stat(2)), so one P/Invoke serves them all; elsewhere the answer is <see cref="FileKind.Unknown"/> and
/// <see cref="InputFile"/> relies on its bounded, seekable-only read.
/// </summary>
public static partial class FileKinds
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x0001;
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;
    private const int ENOSYS = 38;
    private const int EPERM = 1;

    // Null until the first call: false once the C library turned out not to have statx (old glibc, musl < 1.2.5).
    private static bool? _statxWorks;

    /// <summary>What <paramref name="path"/> names; <paramref name="error"/> is the OS's reason when it is <see cref="FileKind.Inaccessible"/>.</summary>
    public static FileKind Of(string path, out string? error)
    {
        error = null;
        if (OperatingSystem.IsLinux() && _statxWorks != false)
        {
            try
            {
                var kind = Statx(path, out error);
                _statxWorks = true;
                if (kind is not null)
                {
                    return kind.Value;
                }
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                _statxWorks = false;
            }
        }

        return Directory.Exists(path) ? FileKind.Directory : File.Exists(path) ? FileKind.Unknown : FileKind.Missing;
    }

    /// <summary>How a message names a kind: "a directory", "a named pipe (FIFO)".</summary>
    public static string Describe(FileKind kind) => kind switch
    {
        FileKind.Regular => "a regular file",
        FileKind.Directory => "a directory",
        FileKind.CharacterDevice => "a character device",
        FileKind.BlockDevice => "a block device",
        FileKind.NamedPipe => "a named pipe (FIFO)",
        FileKind.Socket => "a socket",
        FileKind.Missing => "nothing (no such file)",
        _ => "something that is not a regular file",
    };

    // Null when statx itself is unusable here (ENOSYS: a kernel before 4.11, or a sandbox that filters it).
    private static FileKind? Statx(string path, out string? error)
    {
        error = null;
        if (StatxNative(AtFdCwd, path, 0, StatxType, out var buffer) == 0)
        {
            return (buffer.Mode & 0xF000) switch
            {
                0x8000 => FileKind.Regular,
                0x4000 => FileKind.Directory,
                0x2000 => FileKind.CharacterDevice,
                0x6000 => FileKind.BlockDevice,
                0x1000 => FileKind.NamedPipe,
                0xC000 => FileKind.Socket,
                _ => FileKind.Unknown,
            };
        }

        var errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case ENOENT or ENOTDIR:
                return FileKind.Missing;
            case ENOSYS or EPERM:
                _statxWorks = false;
                return null;
            default:
                error = Marshal.GetPInvokeErrorMessage(errno);
                return FileKind.Inaccessible;
        }
    }

    // int statx(int dirfd, const char *pathname, int flags, unsigned int mask, struct statx *statxbuf); glibc 2.28+.
    // "libc" resolves to the C library even where libc.so is a linker script (the runtime probes libc.so.6 too).
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxNative(int dirfd, string pathname, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>struct statx (linux/stat.h): 256 bytes, the same on every architecture; only the leading fields are named.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct StatxBuffer
    {
        public uint Mask;
        public uint BlockSize;
        public ulong Attributes;
        public uint Links;
        public uint Uid;
        public uint Gid;
        public ushort Mode;
    }
}
