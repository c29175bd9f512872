namespace EspRelease.Action.Tests.Harness;

/// <summary>What a workflow gives a run of the action: its with: inputs, env: and the triggering ref.</summary>
public sealed class ActionRunOptions
{
    public required string Workspace { get; init; }

    /// <summary>RUNNER_TEMP, RUNNER_TOOL_CACHE and the runner's file-command files go under it.</summary>
    public required string RunnerRoot { get; init; }

    public Dictionary<string, string> Inputs { get; init; } = [];

    /// <summary>The job's env: (e.g. secrets a step gets), seen by every step.</summary>
    public Dictionary<string, string> Env { get; init; } = [];

    public string RefType { get; init; } = "branch";

    public string RefName { get; init; } = "main";

    public TimeSpan StepTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
