namespace EspRelease.Testing.Fuzzing;

/// <summary>What a fuzz run does: how many cases, from which seed, on which targets, with which time limit.</summary>
public sealed record FuzzOptions
{
    /// <summary>Cases in all; they go round the targets in turn, so each gets an equal share.</summary>
    public long Count { get; init; } = 1_000_000;

    /// <summary>The seed: with the same targets, the same seed makes the same inputs in the same cases.</summary>
    public int Seed { get; init; }

    /// <summary>A case still running after this long is a hang.</summary>
    public TimeSpan CaseTimeLimit { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Where failing inputs are saved; null for a folder under the system temp folder, made when the first is saved.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>The targets to run (names from <see cref="FuzzTargets.Names"/>); null or empty for all.</summary>
    public IReadOnlyList<string>? Targets { get; init; }

    /// <summary>Threads running cases at once (each with its own scratch folder).</summary>
    public int Workers { get; init; } = 1;

    /// <summary>The shared fixtures folder; null for where the tests find it (ESP_RELEASE_FIXTURES, else ../shared/fixtures).</summary>
    public string? FixturesDirectory { get; init; }

    /// <summary>Receives a progress line every <see cref="ProgressInterval"/>; null for none.</summary>
    public Action<string>? Progress { get; init; }

    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many inputs are saved for each distinct untyped exception.</summary>
    public int ExamplesPerFailure { get; init; } = 3;
}
