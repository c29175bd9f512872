using System.Text.RegularExpressions;
using EspRelease.Action.Tests.Harness;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Action.Tests;

/// <summary>
/// One workflow's worth of the action: a workspace holding a copy of the fixture build
/// (firmware/build), a runner folder, a signing key, and the checks every run must pass.
/// </summary>
public sealed partial class ActionHarness : IDisposable
{
    /// <summary>The fixture build's image version (its git describe: no semver).</summary>
    public const string FixtureVersion = "qa-test-v5.0-20220830-4-g4532e6";

    private readonly TempDirectory _temp = new();

    public ActionHarness()
    {
        Workspace = Directory.CreateDirectory(_temp.Combine("workspace")).FullName;
        RunnerRoot = _temp.Combine("runner");
        BuildDir = _temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("workspace", "firmware", "build"));
        KeyPem = SigningKey.Generate().ExportPkcs8Pem();
    }

    public string Workspace { get; }

    public string RunnerRoot { get; }

    public string BuildDir { get; }

    public string KeyPem { get; }

    /// <summary>The test build's own CLI (esp-release.dll is copied beside the tests).</summary>
    public static string TestBuildTool => AppContext.BaseDirectory;

    /// <summary>The key's secret parts: each line of its base64 body, and the body as one string.</summary>
    public IEnumerable<string> KeySecrets
    {
        get
        {
            var body = KeyPem.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal)).ToList();
            return [.. body, string.Concat(body)];
        }
    }

    // actionFile: another copy of action.yml (default: this repository's); with it, no tool-path is added.
    // tag: the run was triggered by pushing this tag (GITHUB_REF_TYPE=tag); else by a push to main.
    public ActionRun Run(Dictionary<string, string> inputs, Dictionary<string, string>? env = null, string? actionFile = null, TimeSpan? timeout = null, string? tag = null)
    {
        if (actionFile is null && !inputs.ContainsKey("tool-path") && !inputs.ContainsKey("tool-version"))
        {
            inputs["tool-path"] = TestBuildTool;
        }

        var action = ActionMetadata.Load(actionFile ?? Repo.Action);
        return new ActionRunner(action, new ActionRunOptions
        {
            Workspace = Workspace,
            RunnerRoot = RunnerRoot,
            Inputs = inputs,
            Env = env ?? [],
            RefType = tag is null ? "branch" : "tag",
            RefName = tag ?? "main",
            StepTimeout = timeout ?? TimeSpan.FromMinutes(3),
        }).Run();
    }

    /// <summary>What every run must leave: parsable outputs, well-formed annotations, no secret anywhere, no key file.</summary>
    public void AssertClean(ActionRun run, params string[] moreSecrets)
    {
        Assert.True(run.Outputs["ok"] is "true" or "false", $"ok is '{run.Outputs["ok"]}'\n{run}");
        foreach (var a in run.Annotations)
        {
            AssertWellFormed(a, run);
        }

        // The runner's log is masked; what the steps printed must not need it. add-mask lines are the
        // registrations themselves, which the runner never shows.
        var printed = run.RawLog.Where(l => WorkflowCommand.TryParse(l)?.Name != "add-mask").ToList();
        foreach (var secret in KeySecrets.Concat(moreSecrets))
        {
            Assert.DoesNotContain(secret, run.LogText, StringComparison.Ordinal);
            Assert.DoesNotContain(printed, l => l.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(secret, run.Summary, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, run.FileCommandText, StringComparison.Ordinal);
            Assert.DoesNotContain(run.Outputs.Values, v => v.Contains(secret, StringComparison.Ordinal));
            foreach (var file in Directory.EnumerateFiles(_temp.Path, "*", SearchOption.AllDirectories))
            {
                Assert.False(File.ReadAllText(file).Contains(secret, StringComparison.Ordinal), $"{file} holds a secret");
            }
        }

        Assert.Empty(Directory.EnumerateFiles(RunnerRoot, "*.pem", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateDirectories(Path.Combine(RunnerRoot, "temp"), "esp-release.*"));
    }

    // ::error file=F,line=N,title=ESPR1234::message, escaped the way the runner unescapes it.
    private void AssertWellFormed(WorkflowCommand a, ActionRun run)
    {
        var raw = AnnotationLine().Match(a.Line);
        Assert.True(raw.Success, $"not a well-formed annotation: {a.Line}\n{run}");
        Assert.DoesNotMatch(@"%(?!25|0D|0A)", raw.Groups["data"].Value);
        Assert.DoesNotMatch(@"%(?!25|0D|0A|3A|2C)", raw.Groups["props"].Value);
        if (a.Properties.TryGetValue("file", out var file))
        {
            Assert.False(Path.IsPathRooted(file), $"file= is not relative to the workspace: {a.Line}");
            Assert.True(File.Exists(Path.Combine(Workspace, file)) || Directory.Exists(Path.Combine(Workspace, file)), $"file= names nothing in the workspace: {a.Line}");
        }

        if (a.Properties.TryGetValue("line", out var line))
        {
            Assert.Matches("^[1-9][0-9]*$", line);
        }
    }

    /// <summary>
    /// What a runner downloads for <c>uses: owner/repo/.github/actions/esp-release@ref</c>: the repository's
    /// files at that ref, no .git and, here, no bin/ or obj/ of this working tree. Returns its action.yml.
    /// </summary>
    public string DownloadRepository()
    {
        var download = _temp.Combine("_actions", "esp-release", "ref");
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Repo.Root, "src"), "*", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Path.Combine(Repo.Root, ".github"), "*", SearchOption.AllDirectories))
            .Concat(Directory.EnumerateFiles(Repo.Root, "*.*", SearchOption.TopDirectoryOnly)))
        {
            var relative = Path.GetRelativePath(Repo.Root, file);
            if (relative.Split(Path.DirectorySeparatorChar) is var parts && (parts.Contains("bin") || parts.Contains("obj")))
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(download, relative))!);
            File.Copy(file, Path.Combine(download, relative));
        }

        return Path.Combine(download, ".github", "actions", "esp-release", "action.yml");
    }

    public void Dispose() => _temp.Dispose();

    [GeneratedRegex("^::(error|warning|notice)( (?<props>[A-Za-z]+=[^,:]*(,[A-Za-z]+=[^,:]*)*))?::(?<data>.*)$")]
    private static partial Regex AnnotationLine();
}
