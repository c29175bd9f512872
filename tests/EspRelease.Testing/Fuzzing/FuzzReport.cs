using System.Globalization;
using System.Text;

namespace EspRelease.Testing.Fuzzing;

/// <summary>One target's counts, and the time its cases took (so its own rate, whatever the others cost).</summary>
public sealed record TargetReport(string Name, long Ok, long Typed, long Untyped, long Hangs, TimeSpan Busy)
{
    public long Cases => Ok + Typed + Untyped + Hangs;
}

/// <summary>One distinct untyped exception: its type and the innermost EspRelease frame it came through.</summary>
public sealed record UntypedFailure(string ExceptionType, string Frame, string Message, long Count, IReadOnlyList<string> Targets, IReadOnlyList<string> Examples);

/// <summary>A case that ran over the time limit; <paramref name="Stuck"/> when it had still not returned as the run ended.</summary>
public sealed record HangReport(string Target, long Case, TimeSpan Elapsed, bool Stuck, string Example);

/// <summary>What a run found: counts per outcome and target, the distinct untyped exceptions and the hangs, each with a saved input.</summary>
public sealed record FuzzReport
{
    public required int Seed { get; init; }

    public required long Requested { get; init; }

    public required int Workers { get; init; }

    public required TimeSpan CaseTimeLimit { get; init; }

    public required TimeSpan Elapsed { get; init; }

    public required IReadOnlyList<TargetReport> Targets { get; init; }

    public required IReadOnlyList<UntypedFailure> Untyped { get; init; }

    public required IReadOnlyList<HangReport> Hangs { get; init; }

    /// <summary>Where inputs were saved; null when none was.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Why the run ended before <see cref="Requested"/> cases; null when it did not.</summary>
    public string? StoppedBecause { get; init; }

    public long Cases => Targets.Sum(t => t.Cases);

    public long Ok => Targets.Sum(t => t.Ok);

    public long Typed => Targets.Sum(t => t.Typed);

    public long UntypedCases => Targets.Sum(t => t.Untyped);

    public long HangCases => Targets.Sum(t => t.Hangs);

    /// <summary>No untyped exception and no hang.</summary>
    public bool Clean => UntypedCases == 0 && HangCases == 0;

    public double CasesPerSecond => Elapsed.TotalSeconds > 0 ? Cases / Elapsed.TotalSeconds : 0;

    public override string ToString()
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine(c, $"esp-release fuzz: seed {Seed}, {Cases:N0} of {Requested:N0} cases in {Elapsed.TotalSeconds:F1} s ({CasesPerSecond:N0} cases/s), {Workers} worker(s), case time limit {CaseTimeLimit.TotalMilliseconds:F0} ms");
        if (StoppedBecause is not null)
        {
            s.AppendLine(c, $"stopped early: {StoppedBecause}");
        }

        s.AppendLine(c, $"  ok       {Ok,12:N0}");
        s.AppendLine(c, $"  typed    {Typed,12:N0}");
        s.AppendLine(c, $"  untyped  {UntypedCases,12:N0}");
        s.AppendLine(c, $"  hang     {HangCases,12:N0}");
        s.AppendLine(c, $"{"target",-16} {"cases",10} {"ok",10} {"typed",10} {"untyped",8} {"hang",5} {"cases/s",9}");
        foreach (var t in Targets)
        {
            var rate = t.Busy.TotalSeconds > 0 ? t.Cases / t.Busy.TotalSeconds : 0;
            s.AppendLine(c, $"{t.Name,-16} {t.Cases,10:N0} {t.Ok,10:N0} {t.Typed,10:N0} {t.Untyped,8:N0} {t.Hangs,5:N0} {rate,9:N0}");
        }

        s.AppendLine("(cases/s per target: its cases over the time they took on one worker)");
        if (Untyped.Count == 0)
        {
            s.AppendLine("untyped exceptions: none");
        }
        else
        {
            s.AppendLine(c, $"untyped exceptions ({Untyped.Count} distinct):");
            foreach (var f in Untyped)
            {
                s.AppendLine(c, $"  {f.ExceptionType} at {f.Frame}: {f.Count:N0} case(s) in {string.Join(", ", f.Targets)}");
                s.AppendLine(c, $"    {f.Message}");
                s.AppendLine(c, $"    e.g. {(f.Examples.Count > 0 ? f.Examples[0] : "(not saved)")}");
            }
        }

        if (Hangs.Count == 0)
        {
            s.AppendLine("hangs: none");
        }
        else
        {
            s.AppendLine(c, $"hangs ({Hangs.Count}):");
            foreach (var h in Hangs)
            {
                var state = h.Stuck ? "still running when the run ended" : "returned, but late";
                s.AppendLine(c, $"  {h.Target} case {h.Case}: {h.Elapsed.TotalMilliseconds:F0} ms, {state}; input {h.Example}");
            }
        }

        s.Append(c, $"saved inputs: {OutputDirectory ?? "none"}");
        return s.ToString();
    }
}
