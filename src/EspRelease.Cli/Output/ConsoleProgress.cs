using System.Diagnostics;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>
/// Progress on stderr for work that takes more than a second: silent before that (fast commands
/// print nothing), then at most two updates a second; in place on a terminal, as lines in a log.
/// </summary>
internal sealed class ConsoleProgress(TextWriter error) : IProgress<ProgressReport>
{
    private static readonly TimeSpan _quiet = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan _interval = TimeSpan.FromMilliseconds(500);
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly bool _terminal = ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;
    private TimeSpan? _last;
    private bool _shown;

    public void Report(ProgressReport value)
    {
        var now = _clock.Elapsed;
        var finished = value.Total > 0 && value.Done >= value.Total;
        if (now < _quiet || (_last is { } last && now - last < _interval && !finished))
        {
            return;
        }

        _last = now;
        var percent = value.Total > 0 ? $" {100 * value.Done / value.Total,3}%" : "";
        var amount = $" ({value.Done / 1048576.0:0.0} of {value.Total / 1048576.0:0.0} MiB)";
        error.Write(_terminal ? $"\r{value.Stage}{percent}{amount}   " : $"{value.Stage}{percent}{amount}\n");
        _shown = true;
        if (finished && _terminal)
        {
            error.WriteLine();
        }
    }

    /// <summary>Ends an in-place line, if one was written.</summary>
    public void Done()
    {
        if (_shown && _terminal)
        {
            error.WriteLine();
        }
    }
}
