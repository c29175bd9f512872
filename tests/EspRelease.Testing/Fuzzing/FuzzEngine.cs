using System.Diagnostics;
using System.Globalization;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// Runs seeded mutation cases through the core's public entry points, in process: workers take cases in
/// turn, a watchdog on the calling thread times each one, and every outcome is counted. An exception
/// other than EspReleaseException, or a case over the time limit, is a finding, saved with its input.
/// A stuck case's thread cannot be stopped, so the run ends after reporting one (its thread is a
/// background thread: it does not keep the process alive).
/// </summary>
public static class FuzzEngine
{
    public static FuzzReport Run(FuzzOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Count < 0 || options.Workers < 1 || options.CaseTimeLimit <= TimeSpan.Zero)
        {
            throw new ArgumentException("Count must be 0 or more, Workers 1 or more, and the case time limit positive.", nameof(options));
        }

        var scratch = Path.Combine(Path.GetTempPath(), "esp-release-fuzz", Guid.NewGuid().ToString("n"));
        var run = default(FuzzRun);
        try
        {
            var corpus = FuzzCorpus.Create(options.FixturesDirectory ?? Fixtures.Root, options.Seed, Path.Combine(scratch, "corpus"));
            run = new FuzzRun(options, Select(FuzzTargets.Create(corpus), options.Targets), scratch);
            return run.Execute();
        }
        finally
        {
            // A stuck worker may still be using its folder; leave it then (it is under the temp folder).
            if (run?.Stuck != true)
            {
                try
                {
                    Directory.Delete(scratch, recursive: true);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    /// <summary>Runs a saved case (a folder written by a run, with its case.txt) once more and returns its outcome and exception.</summary>
    /// <param name="caseDirectory">The saved case.</param>
    /// <param name="fixtures">The fixtures folder; null for the default.</param>
    public static (FuzzOutcome Outcome, Exception? Exception) Replay(string caseDirectory, string? fixtures = null)
    {
        var description = File.ReadAllLines(Path.Combine(caseDirectory, FuzzInput.CaseFile));
        string Field(string name) => description.First(l => l.StartsWith(name + ": ", StringComparison.Ordinal))[(name.Length + 2)..];
        var seed = int.Parse(Field("seed"), CultureInfo.InvariantCulture);
        var scratch = Path.Combine(Path.GetTempPath(), "esp-release-fuzz", Guid.NewGuid().ToString("n"));
        try
        {
            var corpus = FuzzCorpus.Create(fixtures ?? Fixtures.Root, seed, Path.Combine(scratch, "corpus"));
            var target = Select(FuzzTargets.Create(corpus), [Field("target")])[0];
            var workspace = new FuzzWorkspace(Path.Combine(scratch, "replay"));
            return Classify(() => target.Run(FuzzInput.Load(caseDirectory), workspace));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    /// <summary>How a case ended: its own answer, Typed for an EspReleaseException, Untyped (with the exception) for anything else.</summary>
    public static (FuzzOutcome Outcome, Exception? Exception) Classify(Func<FuzzOutcome> run)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return (run(), null);
        }
        catch (EspReleaseException)
        {
            return (FuzzOutcome.Typed, null);
        }
#pragma warning disable CA1031 // Catching everything is the point: any other exception is the finding.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return (FuzzOutcome.Untyped, e);
        }
    }

    private static List<FuzzTarget> Select(IReadOnlyList<FuzzTarget> all, IReadOnlyList<string>? names)
    {
        if (names is null || names.Count == 0)
        {
            return [.. all];
        }

        return [.. names.Select(name => all.FirstOrDefault(t => t.Name == name)
            ?? throw new ArgumentException($"no fuzz target '{name}'; the targets are {string.Join(", ", all.Select(t => t.Name))}.", nameof(names)))];
    }

    /// <summary>The innermost frame in esp-release's own code (not the fuzzer's): where the exception escaped the reader.</summary>
    internal static string TopFrame(Exception e)
    {
        var frames = new StackTrace(e, fNeedFileInfo: true).GetFrames();
        var frame = frames.FirstOrDefault(f => f.GetMethod()?.DeclaringType?.FullName is { } type
                && type.StartsWith("EspRelease.", StringComparison.Ordinal) && !type.StartsWith("EspRelease.Testing.", StringComparison.Ordinal));
        if (frame is null)
        {
            return "(no EspRelease frame) " + (frames.Length > 0 ? Describe(frames[0]) : "(no stack)");
        }

        return Describe(frame);
    }

    private static string Describe(StackFrame frame)
    {
        var method = frame.GetMethod();
        var name = method is null ? "?" : $"{method.DeclaringType?.FullName}.{method.Name}";
        return frame.GetFileName() is { } file ? $"{name} ({Path.GetFileName(file)}:{frame.GetFileLineNumber()})" : name;
    }

    /// <summary>The case's own seed: the run's seed and the case number mixed (SplitMix64), so any case can be made again alone.</summary>
    internal static int CaseSeed(int seed, long index)
    {
        var z = unchecked(((ulong)(uint)seed << 32) ^ (ulong)index) + 0x9E3779B97F4A7C15UL;
        z = unchecked((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL);
        z = unchecked((z ^ (z >> 27)) * 0x94D049BB133111EBUL);
        return unchecked((int)(z ^ (z >> 31)));
    }
}
