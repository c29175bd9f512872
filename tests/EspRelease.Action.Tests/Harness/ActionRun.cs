namespace EspRelease.Action.Tests.Harness;

/// <summary>What one run of an action left: its log as the runner shows it (masked), the outputs, the summary and the annotations.</summary>
public sealed class ActionRun
{
    public required IReadOnlyDictionary<string, string> Outputs { get; init; }

    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StepOutputs { get; init; }

    /// <summary>Each step's outcome by its title: success, failure or skipped.</summary>
    public required IReadOnlyList<(ActionStep Step, string Outcome, TimeSpan Took)> Steps { get; init; }

    /// <summary>The log with every registered secret replaced by ***, and ::add-mask:: lines removed.</summary>
    public required IReadOnlyList<string> Log { get; init; }

    /// <summary>What the steps printed, before masking: proves a secret was never printed at all.</summary>
    public required IReadOnlyList<string> RawLog { get; init; }

    public required IReadOnlyList<string> Masks { get; init; }

    public required IReadOnlyList<WorkflowCommand> Annotations { get; init; }

    /// <summary>The uses: steps that would have run (the harness is offline), with their with: values.</summary>
    public required IReadOnlyList<(string Uses, IReadOnlyDictionary<string, string> With)> UsesSteps { get; init; }

    public required string Summary { get; init; }

    /// <summary>Everything written to GITHUB_OUTPUT, GITHUB_ENV, GITHUB_PATH and GITHUB_STEP_SUMMARY, raw.</summary>
    public required string FileCommandText { get; init; }

    public bool Succeeded => Steps.All(s => s.Outcome != "failure");

    public string Outcome(string stepId) => Steps.Single(s => s.Step.Id == stepId).Outcome;

    public string LogText => string.Join('\n', Log);

    public override string ToString() =>
        $"steps: {string.Join(", ", Steps.Select(s => $"{s.Step.Title}={s.Outcome}"))}\noutputs: {string.Join(", ", Outputs.Select(o => $"{o.Key}={o.Value}"))}\nlog:\n{LogText}\nsummary:\n{Summary}";
}
