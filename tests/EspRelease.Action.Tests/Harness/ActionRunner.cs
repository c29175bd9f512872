using System.Diagnostics;
using System.Text;

namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// Runs a composite action the way the GitHub runner does, offline: each step's if: evaluated (with the
/// implicit success() unless it names a status function), each run: step in
/// <c>bash --noprofile --norc -eo pipefail {0}</c> with the runner's variables and a fresh file per
/// file command, GITHUB_ENV and GITHUB_PATH applied to later steps, step outputs parsed by GitHub's
/// rules, ::add-mask:: and annotations processed. No INPUT_* variables: a composite action gets none.
/// uses: steps are recorded, not run.
/// </summary>
public sealed class ActionRunner(ActionMetadata action, ActionRunOptions options)
{
    private static readonly string[] _statusFunctions = ["always(", "success(", "failure(", "cancelled("];

    private readonly Dictionary<string, Dictionary<string, string>> _outputs = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _outcomes = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _addedEnv = [];
    private readonly List<string> _addedPath = [];
    private readonly List<string> _log = [];
    private readonly List<string> _rawLog = [];
    private readonly List<string> _masks = [];
    private readonly List<WorkflowCommand> _annotations = [];
    private readonly StringBuilder _summary = new();
    private readonly StringBuilder _fileCommands = new();
    private bool _failed;

    private string ActionPath => System.IO.Path.GetDirectoryName(action.Path)!;

    private string Temp => System.IO.Path.Combine(options.RunnerRoot, "temp");

    private string ToolCache => System.IO.Path.Combine(options.RunnerRoot, "tool-cache");

    public ActionRun Run()
    {
        Directory.CreateDirectory(Temp);
        Directory.CreateDirectory(ToolCache);
        var files = Directory.CreateDirectory(System.IO.Path.Combine(options.RunnerRoot, "file-commands")).FullName;
        var steps = new List<(ActionStep, string, TimeSpan)>();
        var uses = new List<(string, IReadOnlyDictionary<string, string>)>();
        foreach (var step in action.Steps)
        {
            var clock = Stopwatch.StartNew();
            string outcome;
            if (!ShouldRun(step))
            {
                outcome = "skipped";
            }
            else if (step.Uses is { } reference)
            {
                uses.Add((reference, step.With.ToDictionary(w => w.Key, w => Interpolate(w.Value))));
                outcome = "success";
            }
            else
            {
                outcome = RunScript(step, files) == 0 ? "success" : "failure";
            }

            _failed |= outcome == "failure";
            if (step.Id is { } id)
            {
                _outcomes[id] = outcome;
            }

            steps.Add((step, outcome, clock.Elapsed));
        }

        return new ActionRun
        {
            Outputs = action.Outputs.Values.ToDictionary(o => o.Id, o => Interpolate(o.Value)),
            StepOutputs = _outputs.ToDictionary(o => o.Key, o => (IReadOnlyDictionary<string, string>)o.Value),
            Steps = steps,
            Log = _log,
            RawLog = _rawLog,
            Masks = _masks,
            Annotations = _annotations,
            UsesSteps = uses,
            Summary = _summary.ToString(),
            FileCommandText = _fileCommands.ToString(),
        };
    }

    private bool ShouldRun(ActionStep step)
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

    private int RunScript(ActionStep step, string files)
    {
        Assert.True(step.Shell == "bash", $"{step.Title}: shell '{step.Shell}': the harness runs bash steps only");
        var n = _outcomes.Count + _rawLog.Count;
        var script = System.IO.Path.Combine(Temp, $"{Guid.NewGuid():n}.sh");
        File.WriteAllText(script, Interpolate(step.Run!));
        string NewFile(string kind)
        {
            var path = System.IO.Path.Combine(files, $"{kind}_{step.Index}_{n}");
            System.IO.File.WriteAllText(path, "");
            return path;
        }

        var (output, summary, env, path) = (NewFile("set_output"), NewFile("step_summary"), NewFile("set_env"), NewFile("add_path"));
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = WorkingDirectory(step),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // GitHub's shell: bash, "bash --noprofile --norc -eo pipefail {0}".
        foreach (var arg in (string[])["--noprofile", "--norc", "-eo", "pipefail", script])
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Clear();
        foreach (var (name, value) in Environment(step, output, summary, env, path))
        {
            start.Environment[name] = value;
        }

        int exit;
        using (var process = new Process { StartInfo = start })
        {
            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            if (!process.WaitForExit(options.StepTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"{step.Title} did not finish in {options.StepTimeout}:\n{string.Join('\n', _log)}");
            }

            process.WaitForExit();
            exit = process.ExitCode;
        }

        System.IO.File.Delete(script);
        foreach (var file in new[] { output, summary, env, path })
        {
            _fileCommands.Append(System.IO.File.ReadAllText(file)).Append('\n');
        }

        // A name written twice keeps its last value, as on the runner.
        var outputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in FileCommands.Parse(output))
        {
            outputs[name] = value;
        }

        if (step.Id is { } id)
        {
            _outputs[id] = outputs;
        }

        _summary.Append(System.IO.File.ReadAllText(summary));
        foreach (var (name, value) in FileCommands.Parse(env))
        {
            _addedEnv[name] = value;
        }

        _addedPath.InsertRange(0, System.IO.File.ReadAllLines(path).Where(l => l.Trim().Length > 0).Reverse());
        return exit;
    }

    private string WorkingDirectory(ActionStep step) =>
        step.WorkingDirectory is { } dir ? System.IO.Path.GetFullPath(Interpolate(dir), options.Workspace) : options.Workspace;

    private Dictionary<string, string> Environment(ActionStep step, string output, string summary, string env, string path)
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

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _rawLog.Add(line);
            var command = WorkflowCommand.TryParse(line);
            if (command?.Name == "add-mask")
            {
                // The runner registers the value and shows nothing of the command.
                if (command.Data.Trim().Length > 0)
                {
                    _masks.Add(command.Data);
                }

                return;
            }

            if (command?.Name is "error" or "warning" or "notice")
            {
                _annotations.Add(command with { Data = Mask(command.Data), Line = Mask(line) });
            }

            _log.Add(Mask(line));
        }
    }

    public string Mask(string text)
    {
        foreach (var secret in _masks.OrderByDescending(m => m.Length))
        {
            text = text.Replace(secret, "***", StringComparison.Ordinal);
        }

        return text;
    }

    private string Interpolate(string text) => Expression.Interpolate(text, Context, Status);

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
