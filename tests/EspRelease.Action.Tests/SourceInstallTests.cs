using System.Diagnostics;

namespace EspRelease.Action.Tests;

/// <summary>
/// The action's default: esp-release built from the download of this repository the action came
/// from, into RUNNER_TOOL_CACHE under a key of the sources, and taken from there the next time.
/// Slow (a dotnet publish), so once.
/// </summary>
public sealed class SourceInstallTests : IDisposable
{
    private readonly ActionHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public void Without_tool_path_or_version_the_action_builds_esp_release_from_its_own_checkout_once_and_caches_it()
    {
        var action = _h.DownloadRepository();
        Dictionary<string, string> Inputs() => new()
        {
            ["command"] = "inspect",
            ["build-dir"] = "firmware/build",
        };

        var clock = Stopwatch.StartNew();
        var first = _h.Run(Inputs(), actionFile: action, timeout: TimeSpan.FromMinutes(8));
        var built = clock.Elapsed;

        Assert.True(first.Succeeded, first.ToString());
        _h.AssertClean(first);
        Assert.Equal("true", first.Outputs["ok"]);
        var locate = first.StepOutputs["locate"];
        Assert.Equal("source", locate["mode"]);
        Assert.Matches("^[0-9a-f]{20}$", locate["key"]);
        var dir = locate["dir"];
        Assert.Equal(Path.Combine(_h.RunnerRoot, "tool-cache", "esp-release", $"source-{locate["key"]}"), dir);
        Assert.Equal(Path.Combine(dir, "esp-release.dll"), first.StepOutputs["install"]["dll"]);
        // actions/cache restores and saves the same folder under the same key.
        var (uses, with) = Assert.Single(first.UsesSteps);
        Assert.StartsWith("actions/cache@", uses, StringComparison.Ordinal);
        Assert.Equal(dir, with["path"]);
        Assert.Equal($"esp-release-Linux-{locate["key"]}", with["key"]);
        // Built outside the download: no bin/ or obj/ appeared in it.
        var download = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(action)!, "..", "..", ".."));
        Assert.Empty(Directory.EnumerateDirectories(download, "obj", SearchOption.AllDirectories));
        Assert.Empty(Directory.EnumerateDirectories(download, "bin", SearchOption.AllDirectories));

        clock.Restart();
        var second = _h.Run(Inputs(), actionFile: action);
        var cached = clock.Elapsed;

        Assert.True(second.Succeeded, second.ToString());
        Assert.Equal(locate["key"], second.StepOutputs["locate"]["key"]);
        Assert.Contains("esp-release: built from this source before", second.LogText, StringComparison.Ordinal);
        Assert.True(cached < built / 2, $"the second run took {cached}, the first {built}");
        Console.WriteLine($"from source: {built.TotalSeconds:F1} s built, {cached.TotalSeconds:F1} s cached");
    }
}
