using EspRelease.Testing;

namespace EspRelease.Action.Tests;

/// <summary>
/// The action's version input left empty, on real git repositories: a tag push expects the tag; any
/// other push expects what git gives HEAD (`esp-release version`'s engine), accepting ESP-IDF's own
/// `git describe` of the same commit, and refuses the shallow clone actions/checkout makes by default.
/// </summary>
public sealed class ActionVersionTests : IDisposable
{
    private readonly ActionHarness _h = new();
    private readonly TestGitRepository _repo;
    private readonly string _previous;
    private readonly string _head;

    public ActionVersionTests()
    {
        _repo = new TestGitRepository(Path.Combine(_h.Workspace, "repo"));
        _repo.Commit();
        _repo.Tag("v1.2.3");
        _previous = _repo.Commit();
        _head = _repo.Commit();
    }

    public void Dispose() => _h.Dispose();

    [Fact]
    public void On_a_branch_push_an_image_built_at_HEAD_passes_and_one_built_at_another_commit_is_refused()
    {
        Build("repo", $"v1.2.3-2-g{_head[..7]}");
        var passed = _h.Run(Publish("repo"));

        Build("repo", $"v1.2.3-1-g{_previous[..7]}");
        var refused = _h.Run(Publish("repo"));

        Assert.True(passed.Succeeded, passed.ToString());
        _h.AssertClean(passed);
        Assert.Equal($"v1.2.3-2-g{_head[..7]}", passed.Outputs["version"]);
        Assert.False(refused.Succeeded, refused.ToString());
        _h.AssertClean(refused);
        var error = Assert.Single(refused.Annotations, a => a.Name == "error");
        Assert.Equal("ESPR1403", error.Properties["title"]);
        Assert.Contains("\"1.2.4-alpha.0.2\"", error.Data, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shallow_checkout_of_an_untagged_commit_is_refused_naming_fetch_depth_0()
    {
        _repo.ShallowClone(Path.Combine(_h.Workspace, "shallow"));
        Build("shallow", $"v1.2.3-2-g{_head[..7]}");

        var run = _h.Run(Publish("shallow"));

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        var error = Assert.Single(run.Annotations, a => a.Name == "error");
        Assert.Equal("ESPR1412", error.Properties["title"]);
        Assert.Contains("fetch-depth: 0", error.Data, StringComparison.Ordinal);
        Assert.Contains("ESPR1412", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void On_a_tag_push_the_image_must_carry_the_tag_without_its_v()
    {
        Build("repo", "1.2.3");

        var passed = _h.Run(Publish("repo"), tag: "v1.2.3");
        var refused = _h.Run(Publish("repo"), tag: "v1.3.0");

        Assert.True(passed.Succeeded, passed.ToString());
        Assert.Equal("1.2.3", passed.Outputs["version"]);
        Assert.False(refused.Succeeded, refused.ToString());
        Assert.Contains(refused.Annotations, a => a.Properties.GetValueOrDefault("title") == "ESPR1403" && a.Data.Contains("\"1.3.0\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Command_version_writes_version_txt_before_the_build_and_gives_the_version_as_output()
    {
        var run = _h.Run(new()
        {
            ["command"] = "version",
            ["project-dir"] = "repo",
            ["extra-args"] = "--write version.txt",
        });

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("1.2.4-alpha.0.2", run.Outputs["version"]);
        Assert.Equal("1.2.4-alpha.0.2\n", File.ReadAllText(Path.Combine(_repo.Path, "version.txt")));
        Assert.Contains("| Version | `1.2.4-alpha.0.2` |", run.Summary, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Publish(string repo) => new()
    {
        ["command"] = "publish",
        ["build-dir"] = $"{repo}/firmware/build",
        ["project-dir"] = repo,
        ["host"] = "dir:site",
        ["key"] = _h.KeyPem,
    };

    // A build whose image says `version`, inside the repository (the engine runs where the build is,
    // as project_description.json's project_path names no folder on this machine).
    private void Build(string repo, string version)
    {
        using var temp = new TempDirectory();
        var built = BuildDirectoryBuilder.Create(temp, version);
        var target = Path.Combine(_h.Workspace, repo, "firmware", "build");
        if (Directory.Exists(target))
        {
            Directory.Delete(target, recursive: true);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        CopyTree(built, target);
    }

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
