using EspRelease.Core.Diagnostics;
using EspRelease.Core.Versioning;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Versioning;

/// <summary>
/// The version engine on real repositories, each answer as MinVer gives it. "README" is
/// adamralph/minver's README ("How it works", "Height", the FAQ); Versioner.cs and Version.cs are
/// MinVer.Lib's, read at 8bbc4fb for the cases the README leaves open.
/// </summary>
public sealed class GitVersionerTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestGitRepository _repo;

    public GitVersionerTests() => _repo = new TestGitRepository(_temp.Combine("repo"));

    public void Dispose() => _temp.Dispose();

    private ComputedVersion Compute(GitVersionOptions? options = null) => GitVersioner.Compute(_repo.Path, options ?? new GitVersionOptions());

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_tagged_HEAD_is_the_tag_s_version_lightweight_or_annotated(bool annotated)
    {
        _repo.Commits(3);
        _repo.Tag("v1.2.3", annotated);

        var v = Compute();

        // README: "If the current commit has a version tag: the version is used as-is."
        Assert.Equal("1.2.3", v.Version);
        Assert.Equal("v1.2.3", v.Tag);
        Assert.Equal(0, v.Height);
        Assert.True(v.Tagged);
        Assert.Equal(_repo.Head, v.Commit);
        Assert.Empty(v.Warnings);
    }

    [Fact]
    public void Commits_after_an_RTM_tag_raise_the_patch_and_add_alpha_0_and_the_height()
    {
        _repo.Commit();
        _repo.Tag("v1.2.3", annotated: true);
        _repo.Commits(5);

        var v = Compute();

        // README: RTM -> patch + 1, default identifiers alpha.0, then the height.
        Assert.Equal("1.2.4-alpha.0.5", v.Version);
        Assert.Equal("v1.2.3", v.Tag);
        Assert.Equal(5, v.Height);
        Assert.False(v.Tagged);
    }

    [Fact]
    public void Commits_after_a_pre_release_tag_add_the_height_to_its_identifiers()
    {
        _repo.Commit();
        _repo.Tag("v1.3.0-rc.1");
        _repo.Commits(2);

        // README: "If the version is a pre-release: the version is used as-is, with height added."
        Assert.Equal("1.3.0-rc.1.2", Compute().Version);
    }

    [Fact]
    public void Of_two_tags_on_one_commit_the_higher_version_wins()
    {
        _repo.Commit();
        _repo.Tag("v1.1.0");
        _repo.Tag("v1.0.0", annotated: true);

        Assert.Equal("1.1.0", Compute().Version);
        _repo.Commit();
        // Versioner.cs: every tag on a commit is a candidate; the highest version is selected.
        Assert.Equal("1.1.1-alpha.0.1", Compute().Version);
    }

    [Fact]
    public void Where_history_diverges_the_higher_tag_wins_whichever_path_it_is_on()
    {
        _repo.Commit();
        _repo.Tag("v1.0.0");
        _repo.Branch("feature");
        _repo.Commit("feature");
        _repo.Tag("v2.0.0");
        _repo.Checkout("main");
        _repo.Commit("main");
        _repo.Tag("v1.5.0");
        _repo.Merge("feature");

        var v = Compute();

        // README FAQ "more than one tag … is found": the tag with the higher version; its height on the path that met it.
        Assert.Equal("2.0.1-alpha.0.1", v.Version);
        Assert.Equal("v2.0.0", v.Tag);
    }

    [Fact]
    public void Where_history_converges_again_the_height_is_the_first_parent_path_s_not_the_shortest()
    {
        _repo.Commit();
        _repo.Tag("v1.0.0");
        _repo.Branch("feature");
        _repo.Commit("feature");
        _repo.Checkout("main");
        _repo.Commits(2);
        _repo.Merge("feature");

        // README FAQ "diverges, and then converges again": the height on the first path followed
        // (first parent first): merge -> 2 main commits -> tag is 3, though via feature it is 2.
        Assert.Equal("1.0.1-alpha.0.3", Compute().Version);
    }

    [Fact]
    public void Without_any_tag_the_version_is_0_0_0_alpha_0_with_the_commits_since_the_root_and_a_warning()
    {
        _repo.Commits(3);

        var v = Compute();

        // README: "the default version 0.0.0-alpha.0 is used, with height added"; the root is at height 2.
        Assert.Equal("0.0.0-alpha.0.2", v.Version);
        Assert.Null(v.Tag);
        Assert.Equal(2, v.Height);
        var warning = Assert.Single(v.Warnings);
        Assert.Equal(DiagnosticCodes.GitNoTagWarning, warning.Code);
        Assert.Contains("git tag v0.1.0", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_single_untagged_commit_is_0_0_0_alpha_0_without_a_height()
    {
        _repo.Commit();

        // Version.cs: the height is appended only when it is above zero.
        Assert.Equal("0.0.0-alpha.0", Compute().Version);
    }

    [Fact]
    public void Tags_that_are_not_the_prefix_and_strict_SemVer_are_ignored()
    {
        _repo.Commit();
        _repo.Tag("v1.0.0");
        _repo.Commit();
        foreach (var tag in new[] { "v1.2", "release-5", "v01.2.3", "v1.2.3.4", "2.0.0" })
        {
            _repo.Tag(tag);
        }

        var v = Compute();

        // README FAQ "Why is my version tag ignored?": the prefix is wrong, or the version is not valid SemVer 2.0.
        Assert.Equal("1.0.1-alpha.0.1", v.Version);
        Assert.Equal("v1.0.0", v.Tag);
    }

    [Fact]
    public void The_prefix_is_matched_in_any_case_and_can_be_empty()
    {
        _repo.Commit();
        _repo.Tag("1.2.3");
        Assert.Null(Compute().Tag);
        Assert.Equal("1.2.3", Compute(new GitVersionOptions { TagPrefix = "" }).Version);

        _repo.Tag("V1.4.0");
        // README "Can I prefix my tag names?": the prefix is case-insensitive.
        Assert.Equal("1.4.0", Compute().Version);
        Assert.Null(Compute(new GitVersionOptions { TagPrefix = "fw-" }).Tag);
    }

    [Fact]
    public void The_minimum_major_minor_raises_a_lower_version_except_on_a_tagged_commit()
    {
        _repo.Commit();
        _repo.Tag("v1.2.3");
        var options = new GitVersionOptions { MinimumMajorMinor = (2, 0) };

        // Versioner.cs: the minimum is ignored when the commit is tagged (height 0).
        Assert.Equal("1.2.3", Compute(options).Version);
        _repo.Commits(2);
        // Version.Satisfying: Major.Minor.0 with the default identifiers, the height kept.
        Assert.Equal("2.0.0-alpha.0.2", Compute(options).Version);
        Assert.Equal("1.2.4-alpha.0.2", Compute(options with { MinimumMajorMinor = (1, 2) }).Version);
    }

    [Fact]
    public void The_minimum_major_minor_applies_to_the_default_version_too()
    {
        _repo.Commits(2);

        Assert.Equal("1.0.0-alpha.0.1", Compute(new GitVersionOptions { MinimumMajorMinor = (1, 0) }).Version);
    }

    [Theory]
    [InlineData(AutoIncrement.Minor, "1.3.0-alpha.0.1")]
    [InlineData(AutoIncrement.Major, "2.0.0-alpha.0.1")]
    [InlineData(AutoIncrement.Patch, "1.2.4-alpha.0.1")]
    public void Auto_increment_chooses_the_part_that_rises_after_an_RTM_tag(AutoIncrement part, string expected)
    {
        _repo.Commit();
        _repo.Tag("v1.2.3");
        _repo.Commit();

        Assert.Equal(expected, Compute(new GitVersionOptions { AutoIncrement = part }).Version);
    }

    [Fact]
    public void Default_identifiers_and_build_metadata_are_MinVer_s()
    {
        _repo.Commit();
        _repo.Tag("v1.2.3+tagged");

        // Version.AddBuildMetadata joins a tag's own metadata and the new one with a dot.
        Assert.Equal("1.2.3+tagged.ci.7", Compute(new GitVersionOptions { BuildMetadata = "ci.7" }).Version);
        _repo.Commits(3);
        // Version.WithHeight drops the tag's metadata once there is a height.
        Assert.Equal("1.2.4-preview.0.3+ci.7", Compute(new GitVersionOptions { DefaultPreReleaseIdentifiers = "preview.0", BuildMetadata = "ci.7" }).Version);
    }

    [Fact]
    public void A_detached_HEAD_is_versioned_at_its_own_commit()
    {
        _repo.Commit();
        _repo.Tag("v1.0.0");
        var second = _repo.Commit();
        _repo.Commits(3);
        _repo.Checkout(second);

        var v = Compute();

        Assert.Equal("1.0.1-alpha.0.1", v.Version);
        Assert.Equal(second, v.Commit);
    }

    [Fact]
    public void Any_directory_inside_the_work_tree_gives_the_same_version()
    {
        _repo.Commit();
        _repo.Tag("v3.0.0");
        var sub = Directory.CreateDirectory(Path.Combine(_repo.Path, "firmware", "main")).FullName;

        var v = GitVersioner.Compute(sub, new GitVersionOptions());

        Assert.Equal("3.0.0", v.Version);
        Assert.Equal(_repo.Path, v.WorkTree);
    }
}
