using System.Diagnostics;
using EspRelease.Action.Tests.Harness;

namespace EspRelease.Action.Tests;

/// <summary>
/// tool-version with tool-source: EspRelease.Tool installed with dotnet tool install from a local feed
/// into the runner's tool cache, and taken from there the next time. The user's side is isolated the
/// way ToolPackageTests isolates it: a nuget.config in the workspace that clears the machine's feeds,
/// a package cache and a ~/.dotnet of the test's own, so that only the feed can supply the tool.
/// </summary>
public sealed class ToolVersionInstallTests : IDisposable, IClassFixture<ToolFeed>
{
    private readonly ActionHarness _h = new();
    private readonly ToolFeed _feed;
    private readonly Dictionary<string, string> _env;

    public ToolVersionInstallTests(ToolFeed feed)
    {
        _feed = feed;
        File.WriteAllText(Path.Combine(_h.Workspace, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        _env = new()
        {
            ["NUGET_PACKAGES"] = Path.Combine(_h.RunnerRoot, "user", ".nuget-packages"),
            ["DOTNET_CLI_HOME"] = Path.Combine(_h.RunnerRoot, "user", "home"),
        };
    }

    public void Dispose() => _h.Dispose();

    private Dictionary<string, string> Inspect(string version) => new()
    {
        ["command"] = "inspect",
        ["build-dir"] = "firmware/build",
        ["tool-version"] = version,
        ["tool-source"] = _feed.Directory,
    };

    [Fact]
    public void A_tool_version_from_a_feed_is_installed_into_the_runner_tool_cache_once_and_reused()
    {
        var clock = Stopwatch.StartNew();
        var first = _h.Run(Inspect(_feed.Version), _env);
        var installed = clock.Elapsed;

        Assert.True(first.Succeeded, first.ToString());
        _h.AssertClean(first);
        Assert.Equal("true", first.Outputs["ok"]);
        Assert.Equal(ActionHarness.FixtureVersion, first.Outputs["version"]);
        var dir = first.StepOutputs["locate"]["dir"];
        Assert.Equal("version", first.StepOutputs["locate"]["mode"]);
        Assert.Equal(Path.Combine(_h.RunnerRoot, "tool-cache", "esp-release", $"tool-{_feed.Version}"), dir);
        Assert.Equal(Path.Combine(dir, "dotnet-esp-release"), first.StepOutputs["install"]["exe"]);
        // --tool-path, not a global tool: the package from this feed in the tool cache, nothing in ~/.dotnet/tools.
        Assert.True(Directory.Exists(Path.Combine(dir, ".store", "esprelease.tool", _feed.Version)), first.ToString());
        Assert.False(Directory.Exists(Path.Combine(_env["DOTNET_CLI_HOME"], ".dotnet", "tools")), "installed as a global tool");
        Assert.Contains("was successfully installed", first.LogText, StringComparison.Ordinal);
        // Nothing to restore from actions/cache: that is for the tool built from source.
        Assert.Empty(first.UsesSteps);

        clock.Restart();
        var second = _h.Run(Inspect(_feed.Version), _env);
        var reused = clock.Elapsed;

        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(ActionHarness.FixtureVersion, second.Outputs["version"]);
        Assert.Contains($"esp-release: EspRelease.Tool {_feed.Version} installed before ({dir})", second.LogText, StringComparison.Ordinal);
        Assert.DoesNotContain("was successfully installed", second.LogText, StringComparison.Ordinal);
        Console.WriteLine($"tool-version: packed in {_feed.PackTime.TotalSeconds:F1} s; install step {Install(first).TotalSeconds:F1} s (run {installed.TotalSeconds:F1} s), reused {Install(second).TotalSeconds:F1} s (run {reused.TotalSeconds:F1} s)");
    }

    [Fact]
    public void A_tool_version_the_feed_does_not_have_fails_with_an_error_naming_the_version_and_the_feed()
    {
        var run = _h.Run(Inspect("9.9.9"), _env);

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("failure", run.Outcome("install"));
        Assert.Equal("skipped", run.Outcome("run"));
        Assert.Equal("false", run.Outputs["ok"]);
        var error = Assert.Single(run.Annotations, a => a.Name == "error");
        Assert.Contains("9.9.9", error.Data, StringComparison.Ordinal);
        Assert.Contains(_feed.Directory, error.Data, StringComparison.Ordinal);
        Assert.Contains("EspRelease.Tool 9.9.9", run.Summary, StringComparison.Ordinal);
        Assert.Contains(_feed.Directory, run.Summary, StringComparison.Ordinal);
        // A failed install leaves nothing a later run could take for an installed tool.
        Assert.False(File.Exists(Path.Combine(_h.RunnerRoot, "tool-cache", "esp-release", "tool-9.9.9", "dotnet-esp-release")));
    }

    [Fact]
    public void A_relative_tool_source_is_relative_to_the_working_directory()
    {
        var firmware = Path.Combine(_h.Workspace, "firmware");
        var inputs = Inspect(_feed.Version);
        inputs["working-directory"] = "firmware";
        inputs["build-dir"] = "build";
        inputs["tool-source"] = Path.GetRelativePath(firmware, _feed.Directory);

        var run = _h.Run(inputs, _env);

        Assert.True(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal(ActionHarness.FixtureVersion, run.Outputs["version"]);
    }

    private static TimeSpan Install(ActionRun run) => run.Steps.Single(s => s.Step.Id == "install").Took;
}
