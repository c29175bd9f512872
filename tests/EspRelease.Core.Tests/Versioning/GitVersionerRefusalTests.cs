using System.Diagnostics;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Versioning;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Versioning;

/// <summary>What the engine refuses rather than give a version that is silently wrong, and how fast it is.</summary>
public sealed class GitVersionerRefusalTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static EspReleaseException Refused(string dir, GitVersionOptions? options = null) =>
        Assert.Throws<EspReleaseException>(() => GitVersioner.Compute(dir, options ?? new GitVersionOptions()));

    [Fact]
    public void A_shallow_clone_of_an_untagged_commit_is_refused_with_the_fetch_depth_fix()
    {
        var repo = new TestGitRepository(_temp.Combine("origin"));
        repo.Commit();
        repo.Tag("v1.2.3");
        repo.Commits(2);

        var clone = repo.ShallowClone(_temp.Combine("clone"));
        var e = Refused(clone);

        Assert.Equal(DiagnosticCodes.GitShallowClone, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Refused, e.Kind);
        Assert.Contains(clone, e.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-depth: 0", e.Message, StringComparison.Ordinal);
        Assert.Contains("git fetch --tags --unshallow", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_shallow_clone_of_a_tagged_commit_is_the_tag_s_version(bool annotated)
    {
        var repo = new TestGitRepository(_temp.Combine("origin"));
        repo.Commits(3);
        repo.Tag("v1.2.3", annotated);
        repo.Commit();

        // What actions/checkout gives on a tag push: depth 1 at the tag.
        var v = GitVersioner.Compute(repo.ShallowClone(_temp.Combine("clone"), "v1.2.3"), new GitVersionOptions { RequireTag = true });

        Assert.Equal("1.2.3", v.Version);
        Assert.True(v.Shallow);
        Assert.True(v.Tagged);
    }

    [Fact]
    public void No_tag_is_an_error_when_a_tag_is_required_naming_the_tags_it_ignored()
    {
        var repo = new TestGitRepository(_temp.Combine("repo"));
        repo.Commit();
        repo.Tag("release-5");

        var e = Refused(repo.Path, new GitVersionOptions { RequireTag = true });

        Assert.Equal(DiagnosticCodes.GitNoTag, e.Diagnostic.Code);
        Assert.Contains("release-5", e.Message, StringComparison.Ordinal);
        Assert.Contains("git tag v0.1.0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repository_without_commits_has_no_tag()
    {
        var repo = new TestGitRepository(_temp.Combine("repo"));

        var v = GitVersioner.Compute(repo.Path, new GitVersionOptions());

        // Versioner.cs: "No commits found. Using default version 0.0.0-alpha.0."
        Assert.Equal("0.0.0-alpha.0", v.Version);
        Assert.Null(v.Commit);
        Assert.Equal(DiagnosticCodes.GitNoTag, Refused(repo.Path, new GitVersionOptions { RequireTag = true }).Diagnostic.Code);
    }

    [Fact]
    public void A_directory_outside_any_work_tree_is_refused()
    {
        var dir = Directory.CreateDirectory(_temp.Combine("plain")).FullName;
        if (IsInsideWorkTree(dir))
        {
            return; // a temp folder inside someone's checkout is a work tree: nothing to test there
        }

        var e = Refused(dir);

        Assert.Equal(DiagnosticCodes.GitNotARepository, e.Diagnostic.Code);
        Assert.Contains(dir, e.Message, StringComparison.Ordinal);
        Assert.Contains("not a git repository", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_directory_is_a_usage_error()
    {
        var e = Refused(_temp.Combine("missing"));

        Assert.Equal(DiagnosticCodes.FileNotFound, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Fact]
    public void A_version_longer_than_the_descriptor_keeps_is_refused()
    {
        var repo = new TestGitRepository(_temp.Combine("repo"));
        repo.Commit();
        repo.Tag("v1.2.3-feature-much-longer-name");
        repo.Commits(12);

        var e = Refused(repo.Path);

        Assert.Equal(DiagnosticCodes.VersionLost, e.Diagnostic.Code);
        Assert.Contains("1.2.3-feature-much-longer-name.12", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("alpha..0", null)]
    [InlineData("alpha.01", null)]
    [InlineData("alpha.0", "ci/7")]
    public void Invalid_identifiers_or_metadata_are_usage_errors(string identifiers, string? metadata)
    {
        var e = Refused(_temp.Path, new GitVersionOptions { DefaultPreReleaseIdentifiers = identifiers, BuildMetadata = metadata });

        Assert.Equal(DiagnosticCodes.GitOptionInvalid, e.Diagnostic.Code);
        Assert.Equal(FailureKind.Usage, e.Kind);
    }

    [Theory]
    [InlineData("1.2", 1, 2)]
    [InlineData("3", 3, 0)]
    public void The_minimum_major_minor_is_read_as_MinVer_reads_it(string text, int major, int minor) =>
        Assert.Equal((major, minor), GitVersionOptions.ParseMajorMinor(text));

    [Theory]
    [InlineData("1.2.3")]
    [InlineData("x")]
    [InlineData("-1.0")]
    public void A_bad_minimum_major_minor_is_a_usage_error(string text) =>
        Assert.Equal(DiagnosticCodes.GitOptionInvalid, Assert.Throws<EspReleaseException>(() => GitVersionOptions.ParseMajorMinor(text)).Diagnostic.Code);

    [Fact]
    public void Thousands_of_commits_are_read_in_a_few_git_calls()
    {
        var repo = new TestGitRepository(_temp.Combine("big"));
        // fast-import: 5,000 commits in one process (a commit per git call would take minutes).
        var stream = new StringBuilder();
        for (var i = 1; i <= 5000; i++)
        {
            stream.Append($"commit refs/heads/main\nmark :{i}\ncommitter Test <test@example.com> {1_700_000_000 + i} +0000\ndata 2\nc\n");
            stream.Append(i > 1 ? $"from :{i - 1}\n\n" : "\n");
        }

        stream.Append("reset refs/tags/v1.0.0\nfrom :1\n\n");
        FastImport(repo.Path, stream.ToString());

        var watch = Stopwatch.StartNew();
        var v = GitVersioner.Compute(repo.Path, new GitVersionOptions());

        Assert.Equal("1.0.1-alpha.0.4999", v.Version);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }

    private static void FastImport(string dir, string input)
    {
        var start = new ProcessStartInfo("git", ["fast-import", "--quiet"]) { WorkingDirectory = dir, RedirectStandardInput = true, UseShellExecute = false };
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        using var process = Process.Start(start)!;
        process.StandardInput.Write(input);
        process.StandardInput.Close();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(1)) && process.ExitCode == 0, "git fast-import failed");
    }

    private static bool IsInsideWorkTree(string dir)
    {
        var start = new ProcessStartInfo("git", ["rev-parse", "--is-inside-work-tree"]) { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return output.Trim() == "true";
    }
}
