using System.Runtime.InteropServices;

namespace EspRelease.Cli;

/// <summary>
/// Ctrl+C (SIGINT) and SIGTERM cancel the running verb, which then has a grace period to finish
/// cleanly: serve stopping its connections on a loaded machine, a publish finishing the file it
/// writes. A second signal, or a verb still running when the grace period ends, exits at once with
/// the signal's conventional code (130, 143) and says so.
/// </summary>
/// <remarks>
/// Registered before the verb starts. System.CommandLine's own handler is registered only after the
/// verb's first await returns, so a signal in between (serve already listening, on a loaded CI
/// machine) took the runtime's default action and the process died with 143 and no word.
/// </remarks>
internal sealed class TerminationSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel = new();

    // Ends the grace timer when the verb finished in time, so it can never exit the process afterwards.
    private readonly CancellationTokenSource _finished = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TimeSpan _grace;
    private readonly TextWriter _stderr;
    private int _signals;

    public TerminationSignals(TimeSpan grace, TextWriter stderr)
    {
        _grace = grace;
        _stderr = stderr;
        foreach (var signal in new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM })
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Browser and mobile targets; the tool runs on neither, and without it a signal still stops the process.
            }
        }
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Token => _cancel.Token;

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _finished.Cancel();
        _finished.Dispose();
        _cancel.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the verb decides how it ends, within the grace period
        var name = context.Signal == PosixSignal.SIGINT ? "Ctrl+C" : "SIGTERM";
        var exitCode = context.Signal == PosixSignal.SIGINT ? 130 : 143;
        if (Interlocked.Increment(ref _signals) > 1)
        {
            Exit($"esp-release: stopped at once by a second {name}; a file being written may be left as a temporary file, never half-written under its name.", exitCode);
            return;
        }

        _cancel.Cancel();
        _ = Task.Delay(_grace, _finished.Token).ContinueWith(
            _ => Exit($"esp-release: the command did not finish within {_grace.TotalSeconds:0} s of {name}; stopping now.", exitCode),
            CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
    }

    private void Exit(string message, int exitCode)
    {
        _stderr.WriteLine(message);
        _stderr.Flush();
        Environment.Exit(exitCode);
    }
}
