using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace EspRelease.Action.Tests.Harness;

public sealed record ActionInput(string Id, string? Description, string? Default);

public sealed record ActionOutput(string Id, string? Description, string Value);

public sealed record ActionStep(
    int Index,
    string? Id,
    string? Name,
    string? If,
    string? Run,
    string? Shell,
    string? Uses,
    string? WorkingDirectory,
    IReadOnlyDictionary<string, string> With,
    IReadOnlyDictionary<string, string> Env)
{
    public string Title => Name ?? Id ?? Uses ?? $"step {Index + 1}";
}

/// <summary>
/// A composite action's action.yml, checked against GitHub's metadata syntax: what the runner refuses
/// (no name, description or runs.using; a run: step without shell:; an output without value:; an
/// id it cannot parse) and keys it does not know are each a problem, all reported at once.
/// </summary>
public sealed partial class ActionMetadata
{
    private static readonly HashSet<string> _topLevel = ["name", "author", "description", "inputs", "outputs", "runs", "branding"];
    private static readonly HashSet<string> _inputKeys = ["description", "required", "default", "deprecationMessage"];
    private static readonly HashSet<string> _outputKeys = ["description", "value"];
    private static readonly HashSet<string> _stepKeys = ["id", "name", "if", "run", "shell", "uses", "with", "env", "working-directory", "continue-on-error"];

    private readonly List<string> _problems = [];

    private ActionMetadata(string path)
    {
        Path = path;
        var root = YamlFile.LoadMapping(path);
        foreach (var key in YamlFile.Keys(root).Where(k => !_topLevel.Contains(k)))
        {
            _problems.Add($"unknown top-level key '{key}'");
        }

        Name = Required(root, "name", "the action");
        Description = Required(root, "description", "the action");
        Inputs = ReadInputs(YamlFile.Mapping(root, "inputs"));
        Outputs = ReadOutputs(YamlFile.Mapping(root, "outputs"));
        var runs = YamlFile.Mapping(root, "runs");
        if (runs is null)
        {
            _problems.Add("no runs:");
            Steps = [];
        }
        else
        {
            var uses = Required(runs, "using", "runs");
            if (uses is not null and not "composite")
            {
                _problems.Add($"runs.using is '{uses}': the harness runs composite actions only");
            }

            Steps = ReadSteps(runs);
        }

        if (_problems.Count > 0)
        {
            throw new InvalidDataException($"{path} is no valid composite action:\n  {string.Join("\n  ", _problems)}");
        }
    }

    public string Path { get; }

    public string? Name { get; }

    public string? Description { get; }

    public IReadOnlyDictionary<string, ActionInput> Inputs { get; }

    public IReadOnlyDictionary<string, ActionOutput> Outputs { get; }

    public IReadOnlyList<ActionStep> Steps { get; }

    /// <summary>Loads and checks an action.yml; throws <see cref="InvalidDataException"/> listing every problem.</summary>
    public static ActionMetadata Load(string path) => new(path);

    private Dictionary<string, ActionInput> ReadInputs(YamlMappingNode? inputs)
    {
        var result = new Dictionary<string, ActionInput>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, node) in YamlFile.Entries(inputs))
        {
            if (CheckId(id, "input") && Mapping(node, $"input '{id}'") is { } input)
            {
                Unknown(input, _inputKeys, $"input '{id}'");
                result[id] = new ActionInput(id, Required(input, "description", $"input '{id}'"), YamlFile.Scalar(input, "default"));
            }
        }

        return result;
    }

    private Dictionary<string, ActionOutput> ReadOutputs(YamlMappingNode? outputs)
    {
        var result = new Dictionary<string, ActionOutput>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, node) in YamlFile.Entries(outputs))
        {
            if (CheckId(id, "output") && Mapping(node, $"output '{id}'") is { } output)
            {
                Unknown(output, _outputKeys, $"output '{id}'");
                var value = Required(output, "value", $"output '{id}' (a composite action's outputs need one)");
                result[id] = new ActionOutput(id, Required(output, "description", $"output '{id}'"), value ?? "");
            }
        }

        return result;
    }

    private List<ActionStep> ReadSteps(YamlMappingNode runs)
    {
        var steps = new List<ActionStep>();
        if (!runs.Children.TryGetValue(new YamlScalarNode("steps"), out var node) || node is not YamlSequenceNode sequence || sequence.Children.Count == 0)
        {
            _problems.Add("runs.steps: a composite action needs a list of steps");
            return steps;
        }

        var ids = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in sequence.Children)
        {
            var where = $"step {steps.Count + 1}";
            if (Mapping(item, where) is not { } step)
            {
                continue;
            }

            Unknown(step, _stepKeys, where);
            var id = YamlFile.Scalar(step, "id");
            if (id is not null && CheckId(id, "step") && !ids.Add(id))
            {
                _problems.Add($"{where}: the id '{id}' is used twice");
            }

            var run = YamlFile.Scalar(step, "run");
            var uses = YamlFile.Scalar(step, "uses");
            var shell = YamlFile.Scalar(step, "shell");
            if ((run is null) == (uses is null))
            {
                _problems.Add($"{where}: exactly one of run: and uses: is required");
            }

            if (run is not null && shell is null)
            {
                _problems.Add($"{where}: a composite action's run: step needs shell:");
            }

            if (uses is not null && !UsesPattern().IsMatch(uses))
            {
                _problems.Add($"{where}: uses: '{uses}' is neither owner/repo[/path]@ref, ./path nor docker://image");
            }

            steps.Add(new ActionStep(steps.Count, id, YamlFile.Scalar(step, "name"), YamlFile.Scalar(step, "if"), run, shell, uses,
                YamlFile.Scalar(step, "working-directory"), YamlFile.StringMap(YamlFile.Mapping(step, "with")), YamlFile.StringMap(YamlFile.Mapping(step, "env"))));
        }

        return steps;
    }

    private string? Required(YamlMappingNode node, string key, string where)
    {
        var value = YamlFile.Scalar(node, key);
        if (string.IsNullOrWhiteSpace(value))
        {
            _problems.Add($"{where}: '{key}' is required");
        }

        return value;
    }

    private YamlMappingNode? Mapping(YamlNode node, string where)
    {
        if (node is YamlMappingNode mapping)
        {
            return mapping;
        }

        _problems.Add($"{where}: a mapping expected");
        return null;
    }

    private void Unknown(YamlMappingNode node, HashSet<string> known, string where)
    {
        foreach (var key in YamlFile.Keys(node).Where(k => !known.Contains(k)))
        {
            _problems.Add($"{where}: unknown key '{key}'");
        }
    }

    private bool CheckId(string id, string kind)
    {
        if (IdPattern().IsMatch(id))
        {
            return true;
        }

        _problems.Add($"{kind} id '{id}': must start with a letter or _ and hold only letters, digits, - and _");
        return false;
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_-]*$")]
    private static partial Regex IdPattern();

    [GeneratedRegex(@"^(\./\S*|docker://\S+|[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+(/[^@\s]+)?@\S+)$")]
    private static partial Regex UsesPattern();
}
