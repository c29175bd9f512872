using System.Globalization;
using System.Security.Cryptography;
using EspRelease.Testing;
using EspRelease.Testing.Fuzzing;

namespace EspRelease.Fuzz;

/// <summary>
/// The fuzzer's command line (build/fuzz.sh runs it). Exit 0: every case ended ok or with a typed
/// error; 1: an untyped exception or a hang (the report names each with a saved input); 2: usage.
/// </summary>
public static class Program
{
    private const string Usage = """
        usage: EspRelease.Fuzz [--count N] [--seed S] [--time-limit-ms MS] [--out DIR] [--target NAME]... [--workers N]
                               [--fixtures DIR] [--progress-seconds N]
               EspRelease.Fuzz --replay CASE-DIR [--fixtures DIR]
               EspRelease.Fuzz --list

          --count N            cases in all, shared equally by the targets (default 1000000)
          --seed S             the seed (default: a random one, printed); the same seed gives the same cases
          --time-limit-ms MS   a case running longer is a hang (default 2000)
          --out DIR            where failing inputs are saved (default: a new folder under the temp folder)
          --target NAME        run only this target (repeat for several; --list names them)
          --workers N          threads running cases (default 1)
          --fixtures DIR       the shared fixtures (default: ESP_RELEASE_FIXTURES, else ../shared/fixtures)
          --progress-seconds N a progress line on stderr every N seconds (default 5)
          --replay CASE-DIR    run one saved case again and print its outcome and exception
        """;

    public static int Main(string[] args)
    {
        try
        {
            return Run(args);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"EspRelease.Fuzz: {e.Message}");
            Console.Error.WriteLine(Usage);
            return 2;
        }
        catch (InvalidOperationException e) when (e.InnerException is not null)
        {
            // The fuzzer's own fault (a mutator): its message, then the trace a fix needs.
            Console.Error.WriteLine($"EspRelease.Fuzz: {e.Message}");
            Console.Error.WriteLine(e.InnerException);
            return 2;
        }
    }

    private static int Run(string[] args)
    {
        var options = new FuzzOptions { Seed = RandomNumberGenerator.GetInt32(int.MaxValue), Progress = Console.Error.WriteLine };
        var targets = new List<string>();
        string? replay = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new UsageException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--count":
                    options = options with { Count = Number(Value(), "--count", 0) };
                    break;
                case "--seed":
                    options = options with { Seed = (int)Number(Value(), "--seed", int.MinValue, int.MaxValue) };
                    break;
                case "--time-limit-ms":
                    options = options with { CaseTimeLimit = TimeSpan.FromMilliseconds(Number(Value(), "--time-limit-ms", 1)) };
                    break;
                case "--out":
                    options = options with { OutputDirectory = Path.GetFullPath(Value()) };
                    break;
                case "--target":
                    targets.Add(Value());
                    break;
                case "--workers":
                    options = options with { Workers = (int)Number(Value(), "--workers", 1, 64) };
                    break;
                case "--fixtures":
                    options = options with { FixturesDirectory = Path.GetFullPath(Value()) };
                    break;
                case "--progress-seconds":
                    options = options with { ProgressInterval = TimeSpan.FromSeconds(Number(Value(), "--progress-seconds", 1)) };
                    break;
                case "--replay":
                    replay = Value();
                    break;
                case "--list":
                    Console.WriteLine(string.Join(Environment.NewLine, FuzzTargets.Names));
                    return 0;
                case "--help" or "-h":
                    Console.WriteLine(Usage);
                    return 0;
                default:
                    throw new UsageException($"unknown argument '{args[i]}'");
            }
        }

        if (targets.FirstOrDefault(t => !FuzzTargets.Names.Contains(t)) is { } unknown)
        {
            throw new UsageException($"no target '{unknown}' (the targets are {string.Join(", ", FuzzTargets.Names)})");
        }

        if (FixturesDirectory(options.FixturesDirectory) is not { } fixtures)
        {
            return 2;
        }

        options = options with { FixturesDirectory = fixtures };
        if (replay is not null)
        {
            var (outcome, exception) = FuzzEngine.Replay(replay, fixtures);
            Console.WriteLine($"{replay}: {outcome}");
            if (exception is not null)
            {
                Console.WriteLine(exception);
            }

            return outcome is FuzzOutcome.Ok or FuzzOutcome.Typed ? 0 : 1;
        }

        var report = FuzzEngine.Run(options with { Targets = targets });
        Console.WriteLine(report);
        // A stuck case's thread is a background thread: returning ends the process with it.
        return report.Clean ? 0 : 1;
    }

    /// <summary>The fixtures folder as the tests find it (or as given); null, after saying why, when it is not there.</summary>
    private static string? FixturesDirectory(string? given)
    {
        string fixtures;
        try
        {
            fixtures = given ?? Fixtures.Root;
        }
        catch (TypeInitializationException e) when (e.InnerException is InvalidOperationException missing)
        {
            Console.Error.WriteLine($"EspRelease.Fuzz: {missing.Message}");
            return null;
        }

        if (!Directory.Exists(Path.Combine(fixtures, "images")))
        {
            Console.Error.WriteLine($"EspRelease.Fuzz: the shared fixtures are not at {fixtures} (no images/ folder in it).");
            return null;
        }

        return fixtures;
    }

    private static long Number(string text, string option, long min, long max = long.MaxValue) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{option} takes a whole number from {min} to {max}, not '{text}'");

    private sealed class UsageException(string message) : Exception(message);
}
