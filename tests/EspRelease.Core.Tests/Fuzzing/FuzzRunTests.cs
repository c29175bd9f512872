using System.Diagnostics;
using EspRelease.Testing.Fuzzing;
using Xunit.Abstractions;

namespace EspRelease.Core.Tests.Fuzzing;

/// <summary>
/// CI's share of build/fuzz.sh: the same engine on every target with a fixed seed, 1,500 cases each
/// (about 15 s on two cores). Any exception other than a typed error, or a case over its time limit,
/// fails the test with the report, which names each finding's saved input (build/fuzz.sh --replay DIR).
/// </summary>
public sealed class FuzzRunTests(ITestOutputHelper output)
{
    private const int CasesPerTarget = 1500;

    // Fixed, so a failure here is the same failure on every machine and every run.
    private const int Seed = 20260101;

    [Fact]
    public void A_short_fuzz_run_meets_no_untyped_exception_and_no_hang()
    {
        var clock = Stopwatch.StartNew();
        var report = FuzzEngine.Run(new FuzzOptions
        {
            Count = (long)CasesPerTarget * FuzzTargets.Names.Count,
            Seed = Seed,
            // Two workers where there are two cores: the cases are independent and each has its own folder.
            Workers = Math.Clamp(Environment.ProcessorCount, 1, 2),
            // Other test classes run beside this one (servers, Azurite): a stall of a few seconds is theirs,
            // not a hang. A case that never returns still fails here; build/fuzz.sh keeps the strict 2 s.
            CaseTimeLimit = TimeSpan.FromSeconds(10),
        });
        output.WriteLine($"{report}\n({clock.Elapsed.TotalSeconds:F1} s with the corpus)");

        Assert.True(report.Clean, $"build/fuzz.sh's engine (seed {Seed}) met untyped exceptions or hangs:\n{report}");
        Assert.Equal(report.Requested, report.Cases);
        Assert.All(report.Targets, t => Assert.Equal(CasesPerTarget, t.Cases));
    }
}
