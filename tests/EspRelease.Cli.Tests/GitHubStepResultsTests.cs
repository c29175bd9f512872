using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// What the tool leaves for a GitHub Actions step with <c>--diagnostics-format github</c>: outputs in
/// $GITHUB_OUTPUT that parse by the runner's rules, a Markdown summary with the release table, and
/// annotations GitHub can place on the file they concern. The runner's files are real files here,
/// and the tool a real process with the runner's variables.
/// </summary>
public sealed class GitHubStepResultsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Pack_writes_the_release_as_step_outputs_and_a_summary_table()
    {
        var (environment, output, summary) = Runner();
        var build = BuildDirectoryBuilder.Create(_temp, "3.1.4", appBytes: 32 * 1024);

        var run = await CliRunner.RunProcess(environment, "pack", build, "--out", _temp.Combine("release"), "--diagnostics-format", "github");

        Assert.True(run.Exit == 0, run.Err);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(output));
        Assert.Equal("true", outputs["ok"]);
        Assert.Equal("0", outputs["exit-code"]);
        Assert.Equal("3.1.4", outputs["version"]);
        Assert.Equal(_temp.Combine("release"), outputs["release-dir"]);
        Assert.Equal(Path.Combine(_temp.Combine("release"), "manifest.jws"), outputs["manifest"]);
        Assert.Equal(_key.KeyId, outputs["key-id"]);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(outputs["firmware"]))), outputs["sha256"]);
        Assert.Equal(new FileInfo(outputs["firmware"]).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), outputs["size"]);

        var markdown = File.ReadAllText(summary);
        Assert.StartsWith("## esp-release pack: blink 3.1.4\n\n✅ Succeeded", markdown, StringComparison.Ordinal);
        Assert.Contains("| | |\n| --- | --- |\n| Project | `blink` |\n| Version | `3.1.4` |\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"| SHA-256 | `{outputs["sha256"]}` |", markdown, StringComparison.Ordinal);
        Assert.Contains($"| Key id | `{_key.KeyId}` |", markdown, StringComparison.Ordinal);
        AssertNoKey(run.Out + run.Err + File.ReadAllText(output) + markdown);
    }

    [Fact]
    public async Task A_refused_pack_annotates_the_image_relative_to_the_workspace_and_says_why_in_outputs_and_summary()
    {
        var (environment, output, summary) = Runner();
        var build = BuildDirectoryBuilder.Create(_temp, "3.1.4", appBytes: 32 * 1024);
        var image = Path.Combine(build, "blink.bin");
        var bytes = File.ReadAllBytes(image);
        bytes[100] ^= 0xFF;
        File.WriteAllBytes(image, bytes);

        var run = await CliRunner.RunProcess(environment, "pack", build, "--out", _temp.Combine("release"), "--diagnostics-format", "github");

        Assert.Equal(2, run.Exit);
        var relative = Path.GetRelativePath(_temp.Path, image).Replace('\\', '/');
        var annotations = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("::", StringComparison.Ordinal)).ToList();
        Assert.Contains(annotations, l => l.StartsWith($"::error file={relative},title=ESPR1", StringComparison.Ordinal));
        Assert.All(annotations, a => Assert.Matches(@"^::error file=[^,:]+,title=ESPR1\d{3}::[^\r\n]+$", a));
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(output));
        Assert.Equal("false", outputs["ok"]);
        Assert.Equal("2", outputs["exit-code"]);
        Assert.StartsWith("ESPR1", outputs["error"], StringComparison.Ordinal);
        Assert.False(outputs.ContainsKey("release-dir"));
        var markdown = File.ReadAllText(summary);
        Assert.Contains("❌ Failed: refused: the input or the release failed a check (exit code 2)", markdown, StringComparison.Ordinal);
        Assert.Contains("**Errors**\n\n- `ESPR1", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_of_an_image_gives_its_facts_as_outputs()
    {
        var (environment, output, _) = Runner();
        var build = BuildDirectoryBuilder.Create(_temp, "2.0.0");

        var run = await CliRunner.RunProcess(environment, "inspect", Path.Combine(build, "blink.bin"), "--diagnostics-format", "github");

        Assert.True(run.Exit == 0, run.Err);
        var outputs = GitHubOutputFile.Parse(File.ReadAllText(output));
        Assert.Equal("true", outputs["ok"]);
        Assert.Equal("true", outputs["valid"]);
        Assert.Equal("2.0.0", outputs["version"]);
        Assert.Equal("blink", outputs["project"]);
        Assert.Matches("^[0-9a-f]{64}$", outputs["sha256"]);
    }

    [Fact]
    public void A_value_holding_line_breaks_and_the_delimiter_prefix_still_parses_whole()
    {
        var results = new Dictionary<string, string?> { ["Version"] = "1.0.0", ["Channel"] = "stable" };
        var error = new Diagnostic("ESPR1403", Severity.Error, "line one\nghadelimiter_x\nline three");

        var outputs = GitHubOutputFile.Parse(GitHubStepResults.Outputs(2, results, [error]));

        Assert.Equal("ESPR1403: line one\nghadelimiter_x\nline three", outputs["error"]);
        Assert.Equal("stable", outputs["channel"]);
        Assert.Equal("false", outputs["ok"]);
    }

    [Fact]
    public void The_summary_keeps_a_message_with_table_and_HTML_characters_inside_its_cell()
    {
        var markdown = GitHubStepResults.Summary("publish", 0, new Dictionary<string, string?> { ["Channel"] = "a|b" },
            [new Diagnostic("ESPR2402", Severity.Warning, "x <b>bold</b>\nnext")]);

        Assert.Contains("| Channel | a\\|b |", markdown, StringComparison.Ordinal);
        Assert.Contains("**Warnings**\n\n- `ESPR2402` x &lt;b&gt;bold&lt;/b&gt; next\n", markdown, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ReleaseDirectory", "release-dir")]
    [InlineData("ManifestJws", "manifest")]
    [InlineData("KeyId", "key-id")]
    [InlineData("Sha256", "sha256")]
    [InlineData("DeviceUrl", "device-url")]
    public void Result_names_become_the_outputs_the_action_documents(string result, string output) =>
        Assert.Equal(output, GitHubStepResults.OutputName(result));

    private (Dictionary<string, string?> Environment, string Output, string Summary) Runner()
    {
        var output = _temp.Combine("runner", "output");
        var summary = _temp.Combine("runner", "summary");
        Directory.CreateDirectory(_temp.Combine("runner"));
        File.WriteAllText(output, "");
        File.WriteAllText(summary, "");
        return (new Dictionary<string, string?>
        {
            ["GITHUB_OUTPUT"] = output,
            ["GITHUB_STEP_SUMMARY"] = summary,
            ["GITHUB_WORKSPACE"] = _temp.Path,
            [SigningKey.EnvironmentVariable] = _key.ExportPkcs8Pem(),
        }, output, summary);
    }

    private void AssertNoKey(string text)
    {
        foreach (var line in _key.ExportPkcs8Pem().Split('\n').Where(l => l.Length > 20))
        {
            Assert.DoesNotContain(line, text, StringComparison.Ordinal);
        }
    }
}
