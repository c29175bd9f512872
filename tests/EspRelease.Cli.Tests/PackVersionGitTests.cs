using System.Text.Json.Nodes;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary><c>pack --version git</c>: the image must hold the version git gives the project's HEAD.</summary>
public sealed class PackVersionGitTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestGitRepository _repo;
    private readonly string _previous;
    private readonly string _head;

    public PackVersionGitTests()
    {
        _repo = new TestGitRepository(_temp.Combine("project"));
        _repo.Commit();
        _repo.Tag("v1.2.3");
        _previous = _repo.Commit();
        _head = _repo.Commit();
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A build whose image says <paramref name="version"/>, made in the project (project_path names it).</summary>
    private async Task<(int Exit, string Out, string Err)> Pack(string version, params string[] extra)
    {
        var build = BuildDirectoryBuilder.Create(_temp, version);
        var description = Path.Combine(build, "project_description.json");
        var json = JsonNode.Parse(File.ReadAllText(description))!;
        json["project_path"] = _repo.Path;
        File.WriteAllText(description, json.ToJsonString());
        var key = _temp.Combine("keys", "key.pem");
        if (!File.Exists(key))
        {
            Assert.Equal(0, (await CliRunner.Run("keygen", "--out", key)).Exit);
        }

        return await CliRunner.Run(["pack", build, "--key", key, "--out", _temp.Combine($"release-{Guid.NewGuid():n}"), .. extra]);
    }

    [Fact]
    public async Task ESP_IDF_s_git_describe_of_the_same_commit_passes()
    {
        // A plain `idf.py build` at HEAD: PROJECT_VER is `git describe --always --tags --dirty`.
        var (exit, _, stderr) = await Pack($"v1.2.3-2-g{_head[..7]}", "--version", "git");

        Assert.True(exit == 0, stderr);
    }

    [Fact]
    public async Task The_version_esp_release_version_wrote_passes()
    {
        var (exit, _, stderr) = await Pack("1.2.4-alpha.0.2", "--version", "git");

        Assert.True(exit == 0, stderr);
    }

    [Theory]
    [InlineData("v1.2.3-1-g{previous}")]
    [InlineData("v1.2.3-2-g0000000")]
    [InlineData("1.2.4-alpha.0.1")]
    public async Task A_build_of_another_commit_is_refused_naming_both_versions_and_the_fix(string version)
    {
        version = version.Replace("{previous}", _previous[..7], StringComparison.Ordinal);

        var (exit, _, stderr) = await Pack(version, "--version", "git");

        Assert.Equal(2, exit);
        Assert.Contains("error ESPR1403", stderr, StringComparison.Ordinal);
        Assert.Contains($"\"{version}\"", stderr, StringComparison.Ordinal);
        Assert.Contains("\"1.2.4-alpha.0.2\"", stderr, StringComparison.Ordinal);
        Assert.Contains("dotnet esp-release version --write version.txt", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_dirty_build_passes_with_a_warning()
    {
        var (exit, _, stderr) = await Pack($"v1.2.3-2-g{_head[..7]}-dirty", "--version", "git");

        Assert.True(exit == 0, stderr);
        Assert.Contains("warning ESPR2413", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_git_in_esp_release_json_does_the_same()
    {
        var config = _temp.Combine("esp-release.json");
        File.WriteAllText(config, "{ \"version\": \"git\" }");

        var (exit, _, stderr) = await Pack($"v1.2.3-1-g{_previous[..7]}", "--config", config);

        Assert.Equal(2, exit);
        Assert.Contains("error ESPR1403", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_untagged_project_is_refused_as_version_git_requires_a_tag()
    {
        _repo.Git("tag", "-d", "v1.2.3");

        var (exit, _, stderr) = await Pack("0.0.0-alpha.0.2", "--version", "git");

        Assert.Equal(2, exit);
        Assert.Contains("error ESPR1413", stderr, StringComparison.Ordinal);
    }
}
