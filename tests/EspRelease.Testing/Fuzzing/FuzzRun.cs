using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace EspRelease.Testing.Fuzzing;

/// <summary>One run's workers, watchdog and tallies.</summary>
internal sealed class FuzzRun
{
    // Threads get the main thread's stack size (8 MiB on Linux), as the CLI's code runs on the main thread.
    private const int WorkerStackSize = 8 * 1024 * 1024;
    private static readonly TimeSpan _watchdogTick = TimeSpan.FromMilliseconds(50);

    private readonly FuzzOptions _options;
    private readonly List<FuzzTarget> _targets;
    private readonly string _scratch;
    private readonly string _outputDirectory;
    private readonly Tally[] _tallies;
    private readonly Dictionary<string, Failure> _failures = new(StringComparer.Ordinal);
    private readonly List<HangReport> _hangs = [];
    private readonly object _lock = new();
    private long _next;
    private volatile string? _stop;
    private bool _saved;
    private Exception? _fatal;

    public FuzzRun(FuzzOptions options, List<FuzzTarget> targets, string scratch)
    {
        _options = options;
        _targets = targets;
        _scratch = scratch;
        _tallies = [.. targets.Select(_ => new Tally())];
        _outputDirectory = options.OutputDirectory
            ?? Path.Combine(Path.GetTempPath(), string.Create(CultureInfo.InvariantCulture, $"esp-release-fuzz-{options.Seed}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
    }

    /// <summary>True when a case was still running as the run ended: its thread and folder are left behind.</summary>
    public bool Stuck { get; private set; }

    public FuzzReport Execute()
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, _options.Workers).Select(i => new Worker(this, i)).ToList();
        foreach (var worker in workers)
        {
            worker.Thread.Start();
        }

        var nextProgress = _options.ProgressInterval;
        while (workers.Any(w => !w.Finished.IsSet && !w.Stuck))
        {
            WaitHandle.WaitAny([.. workers.Where(w => !w.Finished.IsSet && !w.Stuck).Select(w => w.Finished.WaitHandle)], _watchdogTick);
            foreach (var worker in workers)
            {
                Watch(worker);
            }

            if (_options.Progress is { } progress && clock.Elapsed >= nextProgress)
            {
                nextProgress += _options.ProgressInterval;
                progress(Progress(clock.Elapsed));
            }
        }

        if (_fatal is not null)
        {
            throw new InvalidOperationException("The fuzzer itself failed (not the code under test): " + _fatal.Message, _fatal);
        }

        Stuck = workers.Any(w => w.Stuck);
        return Report(clock.Elapsed);
    }

    private void Watch(Worker worker)
    {
        if (worker.Current is not { } running || worker.Stuck)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(running.Started);
        if (elapsed <= _options.CaseTimeLimit)
        {
            return;
        }

        // The thread cannot be stopped: record the case, save its input, and end the run.
        worker.Stuck = true;
        var target = _targets[running.Target];
        var path = Save(target, running.Index, running.Input, "hang", $"still running after {elapsed.TotalMilliseconds:F0} ms (limit {_options.CaseTimeLimit.TotalMilliseconds:F0} ms)");
        lock (_lock)
        {
            _hangs.Add(new HangReport(target.Name, running.Index, elapsed, Stuck: true, path));
            _tallies[running.Target].Count(FuzzOutcome.Hang, elapsed);
        }

        _stop ??= $"{target.Name} case {running.Index} hung; its thread cannot be stopped, so the run ends here";
    }

    private string Progress(TimeSpan elapsed)
    {
        long cases, untyped, hangs;
        lock (_lock)
        {
            cases = _tallies.Sum(t => t.Cases);
            untyped = _tallies.Sum(t => t.Untyped);
            hangs = _tallies.Sum(t => t.Hangs);
        }

        var rate = cases / Math.Max(elapsed.TotalSeconds, 0.001);
        return string.Create(CultureInfo.InvariantCulture,
            $"fuzz: {cases:N0}/{_options.Count:N0} cases ({100.0 * cases / Math.Max(1, _options.Count):F1}%), {rate:N0} cases/s, untyped {untyped:N0}, hangs {hangs:N0}, {elapsed.TotalSeconds:F0} s");
    }

    private void RunCases(Worker worker)
    {
        var workspace = new FuzzWorkspace(Path.Combine(_scratch, string.Create(CultureInfo.InvariantCulture, $"worker-{worker.Number}")));
        while (_stop is null)
        {
            var index = Interlocked.Increment(ref _next) - 1;
            if (index >= _options.Count)
            {
                return;
            }

            var slot = (int)(index % _targets.Count);
            var target = _targets[slot];
            FuzzInput input;
            try
            {
                input = target.Generate(new Random(FuzzEngine.CaseSeed(_options.Seed, index)));
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A fault of a mutator: which case, so the same seed and --target reach it again.
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"generating case {index:N0} ({target.Name}, seed {_options.Seed}) threw {e.GetType().Name}: {e.Message}"), e);
            }

            var started = Stopwatch.GetTimestamp();
            worker.Current = new Running(index, slot, input, started);
            var (outcome, exception) = FuzzEngine.Classify(() => target.Run(input, workspace));
            worker.Current = null;
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (worker.Stuck)
            {
                // The watchdog already counted this case as a hang and ended the run.
                return;
            }

            if (exception is not null)
            {
                Untyped(target, index, input, exception);
            }

            if (elapsed > _options.CaseTimeLimit)
            {
                // Over the limit but returned between two looks of the watchdog: a hang too, and the run goes on.
                var path = Save(target, index, input, "hang", $"returned after {elapsed.TotalMilliseconds:F0} ms (limit {_options.CaseTimeLimit.TotalMilliseconds:F0} ms) as {outcome}");
                outcome = FuzzOutcome.Hang;
                lock (_lock)
                {
                    _hangs.Add(new HangReport(target.Name, index, elapsed, Stuck: false, path));
                }
            }

            lock (_lock)
            {
                _tallies[slot].Count(outcome, elapsed);
            }
        }
    }

    private void Untyped(FuzzTarget target, long index, FuzzInput input, Exception e)
    {
        var frame = FuzzEngine.TopFrame(e);
        var type = e.GetType().FullName ?? e.GetType().Name;
        // Distinct by type and method: the same fault reached through other lines of the method is the same fault.
        var key = type + " at " + (frame.IndexOf(" (", StringComparison.Ordinal) is var paren and > 0 ? frame[..paren] : frame);
        Failure failure;
        bool save;
        lock (_lock)
        {
            if (!_failures.TryGetValue(key, out failure!))
            {
                failure = new Failure(type, frame, e.Message);
                _failures[key] = failure;
            }

            failure.Count++;
            failure.Targets.Add(target.Name);
            save = failure.Saving < _options.ExamplesPerFailure;
            failure.Saving += save ? 1 : 0;
        }

        if (save)
        {
            var path = Save(target, index, input, "untyped", e.ToString());
            lock (_lock)
            {
                failure.Examples.Add(path);
            }
        }
    }

    private string Save(FuzzTarget target, long index, FuzzInput input, string outcome, string detail)
    {
        var dir = Path.Combine(_outputDirectory, target.Name, string.Create(CultureInfo.InvariantCulture, $"{outcome}-{index}"));
        var description = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"target: {target.Name}")
            .AppendLine(CultureInfo.InvariantCulture, $"seed: {_options.Seed}")
            .AppendLine(CultureInfo.InvariantCulture, $"case: {index}")
            .AppendLine(CultureInfo.InvariantCulture, $"outcome: {outcome}")
            .AppendLine(CultureInfo.InvariantCulture, $"files: {string.Join(", ", input.Files.Select(f => f.Name))}")
            .AppendLine(CultureInfo.InvariantCulture, $"replay: build/fuzz.sh --replay {dir}")
            .AppendLine()
            .AppendLine(detail)
            .ToString();
        input.Save(dir, description);
        _saved = true;
        return dir;
    }

    private FuzzReport Report(TimeSpan elapsed)
    {
        lock (_lock)
        {
            return new FuzzReport
            {
                Seed = _options.Seed,
                Requested = _options.Count,
                Workers = _options.Workers,
                CaseTimeLimit = _options.CaseTimeLimit,
                Elapsed = elapsed,
                Targets = [.. _targets.Select((t, i) => _tallies[i].Report(t.Name))],
                Untyped = [.. _failures.Values.OrderByDescending(f => f.Count).Select(f => new UntypedFailure(f.Type, f.Frame, f.Message, f.Count, [.. f.Targets.Order(StringComparer.Ordinal)], [.. f.Examples]))],
                Hangs = [.. _hangs],
                OutputDirectory = _saved ? _outputDirectory : null,
                StoppedBecause = _stop,
            };
        }
    }

    private sealed record Running(long Index, int Target, FuzzInput Input, long Started);

    private sealed class Worker
    {
        private volatile Running? _current;
        private volatile bool _stuck;

        public Worker(FuzzRun run, int number)
        {
            Number = number;
            Thread = new Thread(() =>
            {
                try
                {
                    run.RunCases(this);
                }
#pragma warning disable CA1031 // A fault of the fuzzer itself (in generating a case): reported by Execute, not left to kill the process.
                catch (Exception e)
#pragma warning restore CA1031
                {
                    run._fatal ??= e;
                    run._stop ??= "the fuzzer failed";
                }
                finally
                {
                    Finished.Set();
                }
            }, WorkerStackSize)
            {
                IsBackground = true,
                Name = string.Create(CultureInfo.InvariantCulture, $"fuzz worker {number}"),
            };
        }

        public int Number { get; }

        public Thread Thread { get; }

        public ManualResetEventSlim Finished { get; } = new();

        public Running? Current
        {
            get => _current;
            set => _current = value;
        }

        public bool Stuck
        {
            get => _stuck;
            set => _stuck = value;
        }
    }

    private sealed class Tally
    {
        private long _ok;
        private long _typed;
        private long _busyTicks;

        public long Untyped { get; private set; }

        public long Hangs { get; private set; }

        public long Cases => _ok + _typed + Untyped + Hangs;

        public void Count(FuzzOutcome outcome, TimeSpan elapsed)
        {
            _busyTicks += elapsed.Ticks;
            switch (outcome)
            {
                case FuzzOutcome.Ok:
                    _ok++;
                    break;
                case FuzzOutcome.Typed:
                    _typed++;
                    break;
                case FuzzOutcome.Untyped:
                    Untyped++;
                    break;
                default:
                    Hangs++;
                    break;
            }
        }

        public TargetReport Report(string name) => new(name, _ok, _typed, Untyped, Hangs, TimeSpan.FromTicks(_busyTicks));
    }

    private sealed class Failure(string type, string frame, string message)
    {
        public string Type { get; } = type;

        public string Frame { get; } = frame;

        public string Message { get; } = message;

        public long Count { get; set; }

        public int Saving { get; set; }

        public HashSet<string> Targets { get; } = new(StringComparer.Ordinal);

        public List<string> Examples { get; } = [];
    }
}
