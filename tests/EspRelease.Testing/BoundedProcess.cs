using System.Diagnostics;

namespace EspRelease.Testing;

/// <summary>Runs one of the repository's own C programs (device-sim, the OTA core's driver) with a bounded wait.</summary>
public static class BoundedProcess
{
    /// <summary>Runs <paramref name="program"/> with <paramref name="stdin"/> as its input (none: closed at once); killed, with what it printed, after <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> arguments, byte[]? stdin, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(timeout);
        try
        {
            try
            {
                if (stdin is not null)
                {
                    await process.StandardInput.BaseStream.WriteAsync(stdin, limit.Token);
                }

                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The program reads a bounded amount and may close its end first; what it read is what counts.
            }

            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            throw new TimeoutException($"{Path.GetFileName(program)} {string.Join(' ', start.ArgumentList)} did not finish in time.\n--- stdout\n{await stdout}--- stderr\n{await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
