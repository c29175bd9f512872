namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// What the runner carries from step to step of one run, and what it builds from that for the next
/// step: the expression contexts (<c>inputs</c>, <c>steps</c>, <c>env</c>, <c>github</c>, <c>runner</c>)
/// and the status functions, each step's <c>if:</c>, and its environment.
/// </summary>
internal sealed class RunnerContext(ActionMetadata action, ActionRunOptions options)
{
    private static readonly string[] _statusFunctions = ["always(", "success(", "failure(", "cancelled("];

    private readonly Dictionary<string, Dictionary<string, string>> _outputs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _outcomes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _addedEnv = [];
    private readonly List<string> _addedPath = [];
    private bool _failed;

    public string ActionPath => Path.GetDirectoryName(action.Path)!;

    public string Temp => Path.Combine(options.RunnerRoot, "temp");

    public string ToolCache => Path.Combine(options.RunnerRoot, "tool-cache");

    /// <summary>How many steps have an outcome so far.</summary>
    public int Finished => _outcomes.Count;

    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> StepOutputs =>
        _outputs.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string>)o.Value);

    public void Record(ActionStep step, string outcome)
    {
        _failed |= outcome == "failure";
        if (step.Id is { } id)
        {
            _outcomes[id] = outcome;
        }
    }

    /// <summary>A step's GITHUB_OUTPUT, GITHUB_ENV and GITHUB_PATH, as later steps see them.</summary>
    public void Apply(ActionStep step, Dictionary<string, string> outputs, IEnumerable<KeyValuePair<string, string>> env, IEnumerable<string> path)
    {
        if (step.Id is { } id)
        {
            _outputs[id] = outputs;
        }

        foreach (var (name, value) in env)
        {
            _addedEnv[name] = value;
        }

        _addedPath.InsertRange(0, path.Where(l => l.Trim().Length > 0).Reverse());
    }

    public bool ShouldRun(ActionStep step)
    {
        var condition = step.If?.Trim() ?? "";
        if (condition.StartsWith("${{", StringComparison.Ordinal) && condition.EndsWith("}}", StringComparison.Ordinal))
        {
            condition = condition[3..^2];
        }

        var hasStatus = _statusFunctions.Any(f => condition.Contains(f, StringComparison.Ordinal));
        var value = condition.Length == 0 ? true : Expression.Evaluate(condition, Context, Status);
        return hasStatus ? Expression.IsTruthy(value) : !_failed && Expression.IsTruthy(value);
    }

    public string Interpolate(string text) => Expression.Interpolate(text, Context, Status);

    public string WorkingDirectory(ActionStep step) =>
        step.WorkingDirectory is { } dir ? Path.GetFullPath(Interpolate(dir), options.Workspace) : options.Workspace;

    public Dictionary<string, string> Environment(ActionStep step, string output, string summary, string env, string path)
    {
        // The machine's own (PATH, HOME, DOTNET_ROOT…) without what would only exist on a runner or in
        // the test host's CI, then the job's env:, GITHUB_ENV, the runner's variables and the step's env:.
        var result = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Select(e => ((string)e.Key, (string?)e.Value ?? ""))
            .Where(e => !e.Item1.StartsWith("INPUT_", StringComparison.Ordinal) && !e.Item1.StartsWith("GITHUB_", StringComparison.Ordinal)
                && !e.Item1.StartsWith("RUNNER_", StringComparison.Ordinal) && !e.Item1.StartsWith("ACTIONS_", StringComparison.Ordinal))
            .ToDictionary(e => e.Item1, e => e.Item2);
        foreach (var (name, value) in options.Env.Concat(_addedEnv))
        {
            result[name] = value;
        }

        result["CI"] = "true";
        result["GITHUB_ACTIONS"] = "true";
        result["GITHUB_WORKSPACE"] = options.Workspace;
        result["GITHUB_ACTION_PATH"] = ActionPath;
        result["GITHUB_REF_TYPE"] = options.RefType;
        result["GITHUB_REF_NAME"] = options.RefName;
        result["GITHUB_REF"] = $"refs/{(options.RefType == "tag" ? "tags" : "heads")}/{options.RefName}";
        result["GITHUB_REPOSITORY"] = "octo/firmware";
        result["GITHUB_OUTPUT"] = output;
        result["GITHUB_STEP_SUMMARY"] = summary;
        result["GITHUB_ENV"] = env;
        result["GITHUB_PATH"] = path;
        result["RUNNER_TEMP"] = Temp;
        result["RUNNER_TOOL_CACHE"] = ToolCache;
        result["RUNNER_OS"] = "Linux";
        if (_addedPath.Count > 0)
        {
            result["PATH"] = string.Join(':', [.. _addedPath, result.GetValueOrDefault("PATH", "")]);
        }

        foreach (var (name, value) in step.Env)
        {
            result[name] = Interpolate(value);
        }

        return result;
    }

    private bool Status(string function) => function switch
    {
        "always" => true,
        "success" => !_failed,
        "failure" => _failed,
        _ => throw new NotSupportedException(function),
    };

    private object? Context(IReadOnlyList<string> path) => path switch
    {
        ["inputs", var name] => action.Inputs.TryGetValue(name, out var input)
            ? options.Inputs.GetValueOrDefault(name, input.Default ?? "")
            : throw new NotSupportedException($"inputs.{name}: no such input in {action.Path}"),
        ["steps", var id, ..] when !action.Steps.Any(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase)) =>
            throw new NotSupportedException($"steps.{id}: no step has that id in {action.Path}"),
        ["steps", var id, "outputs", var name] => _outputs.GetValueOrDefault(id)?.GetValueOrDefault(name),
        ["steps", var id, "outcome" or "conclusion"] => _outcomes.GetValueOrDefault(id),
        ["env", var name] => _addedEnv.TryGetValue(name, out var added) ? added : options.Env.GetValueOrDefault(name),
        ["github", "workspace"] => options.Workspace,
        ["github", "action_path"] => ActionPath,
        ["github", "ref_type"] => options.RefType,
        ["github", "ref_name"] => options.RefName,
        ["github", "repository"] => "octo/firmware",
        ["runner", "os"] => "Linux",
        ["runner", "temp"] => Temp,
        ["runner", "tool_cache"] => ToolCache,
        _ => throw new NotSupportedException($"the context {string.Join('.', path)} is not one the harness knows"),
    };
}
