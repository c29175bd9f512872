using System.Diagnostics;
using System.Text;

namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// Runs a composite action the way the GitHub runner does, offline: each step's if: evaluated (with the
/// implicit success() unless it names a status function), each run: step in
/// <c>bash --noprofile --norc -eo pipefail {0}</c> with the runner's variables and a fresh file per
/// file command, GITHUB_ENV and GITHUB_PATH applied to later steps, step outputs parsed by GitHub's
/// rules, ::add-mask:: and annotations processed. No INPUT_* variables: a composite action gets none.
/// uses: steps are recorded, not run. What carries from one step to the next is <see cref="RunnerContext"/>.
/// </summary>
public sealed class ActionRunner(ActionMetadata action, ActionRunOptions options)
{
    private readonly RunnerContext _context = new(action, options);
    private readonly List<string> _log = [];
    private readonly List<string> _rawLog = [];
    private readonly List<string> _masks = [];
    private readonly List<WorkflowCommand> _annotations = [];
    private readonly StringBuilder _summary = new();
    private readonly StringBuilder _fileCommands = new();

    public ActionRun Run()
    {
        Directory.CreateDirectory(_context.Temp);
        Directory.CreateDirectory(_context.ToolCache);
        var files = Directory.CreateDirectory(Path.Combine(options.RunnerRoot, "file-commands")).FullName;
        var steps = new List<(ActionStep, string, TimeSpan)>();
        var uses = new List<(string, IReadOnlyDictionary<string, string>)>();
        foreach (var step in action.Steps)
        {
            var clock = Stopwatch.StartNew();
            string outcome;
            if (!_context.ShouldRun(step))
            {
                outcome = "skipped";
            }
            else if (step.Uses is { } reference)
            {
                uses.Add((reference, step.With.ToDictionary(w => w.Key, w => _context.Interpolate(w.Value))));
                outcome = "success";
            }
            else
            {
                outcome = RunScript(step, files) == 0 ? "success" : "failure";
            }

            _context.Record(step, outcome);
            steps.Add((step, outcome, clock.Elapsed));
        }

        return new ActionRun
        {
            Outputs = action.Outputs.Values.ToDictionary(o => o.Id, o => _context.Interpolate(o.Value)),
            StepOutputs = _context.StepOutputs,
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

    private int RunScript(ActionStep step, string files)
    {
        Assert.True(step.Shell == "bash", $"{step.Title}: shell '{step.Shell}': the harness runs bash steps only");
        var n = _context.Finished + _rawLog.Count;
        var script = Path.Combine(_context.Temp, $"{Guid.NewGuid():n}.sh");
        File.WriteAllText(script, _context.Interpolate(step.Run!));
        string NewFile(string kind)
        {
            var path = Path.Combine(files, $"{kind}_{step.Index}_{n}");
            File.WriteAllText(path, "");
            return path;
        }

        var (output, summary, env, path) = (NewFile("set_output"), NewFile("step_summary"), NewFile("set_env"), NewFile("add_path"));
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = _context.WorkingDirectory(step),
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
        foreach (var (name, value) in _context.Environment(step, output, summary, env, path))
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

        File.Delete(script);
        foreach (var file in new[] { output, summary, env, path })
        {
            _fileCommands.Append(File.ReadAllText(file)).Append('\n');
        }

        // A name written twice keeps its last value, as on the runner.
        var outputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in FileCommands.Parse(output))
        {
            outputs[name] = value;
        }

        _summary.Append(File.ReadAllText(summary));
        _context.Apply(step, outputs, FileCommands.Parse(env), File.ReadAllLines(path));
        return exit;
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
}
