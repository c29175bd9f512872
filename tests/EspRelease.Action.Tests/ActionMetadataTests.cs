using System.Text.RegularExpressions;
using EspRelease.Action.Tests.Harness;

namespace EspRelease.Action.Tests;

/// <summary>action.yml against GitHub's metadata rules and this project's conventions.</summary>
public sealed partial class ActionMetadataTests
{
    private static readonly string[] _inputs =
        ["command", "build-dir", "project-dir", "host", "channel", "rollout", "version", "key", "allow-insecure", "factory", "working-directory", "extra-args", "tool-version", "tool-source", "tool-path"];

    private static readonly string[] _outputs = ["version", "sha256", "size", "release-dir", "manifest", "rollout-percent", "device-url", "key-id", "ok"];

    private readonly ActionMetadata _action = ActionMetadata.Load(Repo.Action);

    [Fact]
    public void Every_input_has_a_description_and_a_default_and_every_output_a_description_and_a_value()
    {
        Assert.Equal(_inputs.Order(), _action.Inputs.Keys.Order());
        Assert.All(_action.Inputs.Values, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), i.Id));
        Assert.All(_action.Inputs.Values, i => Assert.True(i.Default is not null, $"input {i.Id} has no default"));
        Assert.Equal(_outputs.Order(), _action.Outputs.Keys.Order());
        Assert.All(_action.Outputs.Values, o => Assert.Matches(@"^\$\{\{ steps\.[a-z]+\.outputs\.", o.Value));
    }

    [Fact]
    public void Inputs_reach_scripts_through_env_only_and_every_script_runs_in_bash()
    {
        foreach (var step in _action.Steps.Where(s => s.Run is not null))
        {
            // A ${{ }} in run: is pasted into the script before bash parses it: script injection.
            Assert.False(Expression.HasExpression(step.Run!), $"{step.Title}: run: holds an expression");
            Assert.Equal("bash", step.Shell);
            var script = ScriptFile().Match(step.Run!);
            Assert.True(script.Success, $"{step.Title}: run: is not one script of the action");
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(Repo.Action)!, script.Groups[1].Value)), step.Run);
        }
    }

    [Fact]
    public void The_key_is_deleted_and_the_outcome_reported_by_an_always_step_last()
    {
        var last = _action.Steps[^1];
        Assert.Equal("finish", last.Id);
        Assert.Equal("always()", last.If);
        Assert.Equal("prepare", _action.Steps[0].Id);
        Assert.Equal("${{ inputs.key }}", Assert.Single(_action.Steps[0].Env).Value);
        Assert.DoesNotContain(_action.Steps.Skip(1), s => s.Env.Values.Any(v => v.Contains("inputs.key", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_harness_refuses_an_action_the_runner_would_refuse_and_says_every_reason()
    {
        using var temp = new EspRelease.Testing.TempDirectory();
        var path = temp.Combine("action.yml");
        File.WriteAllText(path, """
            name: broken
            inputs:
              1st:
                description: not an id
              key:
                default: x
            outputs:
              ok:
                description: no value
            runs:
              using: composite
              steps:
                - run: echo hi
                - id: a
                  uses: not-a-reference
                  run: echo both
                - id: a
                  shell: bash
                  run: echo again
                  timeout-minutes: 3
            """);

        var e = Assert.Throws<InvalidDataException>(() => ActionMetadata.Load(path));

        foreach (var problem in new[]
        {
            "the action: 'description' is required", "input id '1st'", "input 'key': 'description' is required",
            "output 'ok' (a composite action's outputs need one): 'value' is required", "step 1: a composite action's run: step needs shell:",
            "step 2: exactly one of run: and uses:", "step 2: uses: 'not-a-reference'", "step 3: the id 'a' is used twice", "step 3: unknown key 'timeout-minutes'",
        })
        {
            Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        }
    }

    [GeneratedRegex("^bash \"\\$GITHUB_ACTION_PATH/([a-z-]+\\.sh)\"$")]
    private static partial Regex ScriptFile();
}
