using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace EspRelease.Testing;

/// <summary>
/// A test server run as a child process (Azurite, s3rver): every line it prints is kept for assertion
/// messages, a start waits (bounded) for the line that names its port, and a stop is SIGTERM then, if
/// it does not go within 10 s, SIGKILL; or SIGKILL at once, as when a server dies.
/// </summary>
public sealed class ServerProcess(string name)
{
    private readonly StringBuilder _log = new();
    private readonly Lock _lock = new();
    private Process? _process;

    public int ProcessId => _process?.Id ?? 0;

    public bool Running => _process is not null;

    /// <summary>Everything the server printed, across restarts, with a marker line at each start.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts <paramref name="start"/> (its output redirected here) and returns the port <paramref name="listening"/>'s first group names.</summary>
    public async Task<int> StartAsync(ProcessStartInfo start, Regex listening, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(start);
        if (_process is not null)
        {
            throw new InvalidOperationException($"{name} is already running.");
        }

        (start.RedirectStandardOutput, start.RedirectStandardError, start.RedirectStandardInput, start.UseShellExecute) = (true, true, true, false);
        var port = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data, listening, port);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data, listening, port);
        process.Exited += (_, _) => port.TrySetException(new InvalidOperationException($"{name} exited before it listened:\n{Log}"));
        Note($"--- start {DateTime.UtcNow:HH:mm:ss.fff}");
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        try
        {
            return await port.Task.WaitAsync(timeout);
        }
        catch
        {
            await StopAsync(graceful: false);
            throw;
        }
    }

    /// <summary>Stops the server: SIGTERM first when <paramref name="graceful"/>, SIGKILL at once otherwise.</summary>
    public async Task StopAsync(bool graceful)
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        try
        {
            if (!process.HasExited && graceful)
            {
                using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
                await signal.WaitForExitAsync();
                using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await process.WaitForExitAsync(wait.Token);
                }
                catch (OperationCanceledException)
                {
                    Note("--- did not stop within 10 s of SIGTERM; killed");
                }
            }

            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
        finally
        {
            process.Dispose();
        }
    }

    /// <summary>Adds a line of the test's own to the log.</summary>
    public void Note(string line)
    {
        lock (_lock)
        {
            _log.AppendLine(line);
        }
    }

    private void OnLine(string? line, Regex listening, TaskCompletionSource<int> port)
    {
        if (line is null)
        {
            return;
        }

        Note(line);
        if (listening.Match(line) is { Success: true } m)
        {
            port.TrySetResult(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }
    }
}
