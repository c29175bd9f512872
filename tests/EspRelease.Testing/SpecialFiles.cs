using System.Diagnostics;

namespace EspRelease.Testing;

/// <summary>Paths that are not regular files (a named pipe, a device), and a bounded wait for code that might block on them.</summary>
public static class SpecialFiles
{
    /// <summary>A device that never ends: reading it is how an unbounded reader hangs.</summary>
    public const string Zero = "/dev/zero";

    /// <summary>Creates a named pipe (FIFO) at <paramref name="path"/> with mkfifo(1). Linux and macOS only.</summary>
    public static string MakeFifo(string path)
    {
        using var process = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        process.WaitForExit();
        return process.ExitCode == 0 ? path : throw new InvalidOperationException($"mkfifo {path} failed ({process.ExitCode}).");
    }

    /// <summary>
    /// Runs <paramref name="action"/> and fails after <paramref name="seconds"/> instead of hanging the test run.
    /// Whatever waits in open(2) of <paramref name="fifo"/> is then released by opening the pipe's writing end,
    /// so no thread is left behind.
    /// </summary>
    public static async Task<T> WithinSeconds<T>(int seconds, Func<T> action, string? fifo = null)
    {
        var work = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            return await work.WaitAsync(TimeSpan.FromSeconds(seconds));
        }
        catch (TimeoutException)
        {
            if (fifo is not null)
            {
                // Opening the writing end completes the reader's open; closing it gives the reader end-of-file.
                using (new FileStream(fifo, FileMode.Open, FileAccess.Write))
                {
                }
            }

            throw new TimeoutException($"still running after {seconds} s: it blocked (a pipe) or never ended (a device).");
        }
    }
}
