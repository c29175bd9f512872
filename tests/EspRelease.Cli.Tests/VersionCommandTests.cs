using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary><c>esp-release version</c> through the real command tree, on real git repositories.</summary>
public sealed class VersionCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly TestGitRepository _repo;

    public VersionCommandTests()
    {
        _repo = new TestGitRepository(_temp.Combine("project"));
        _repo.Commit();
        _repo.Tag("v1.2.3", annotated: true);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Stdout_is_the_version_alone_for_scripts_to_capture()
    {
        _repo.Commits(2);

        var (exit, stdout, stderr) = await CliRunner.Run("version", _repo.Path);

        Assert.Equal(0, exit);
        Assert.Equal("1.2.4-alpha.0.2\n", stdout);
        Assert.Equal("", stderr);
    }

    [Fact]
    public async Task Json_is_one_document_with_where_the_version_came_from()
    {
        _repo.Commit();
        var results = _temp.Combine("results.txt");

        var (exit, stdout, _) = await CliRunner.Run("version", _repo.Path, "--json", "--results-file", results);

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        var root = doc.RootElement;
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal("1.2.4-alpha.0.1", root.GetProperty("version").GetString());
        Assert.Equal("v1.2.3", root.GetProperty("tag").GetString());
        Assert.Equal(1, root.GetProperty("height").GetInt32());
        Assert.Equal(_repo.Head, root.GetProperty("commit").GetString());
        Assert.False(root.GetProperty("shallow").GetBoolean());
        Assert.False(root.GetProperty("tagged").GetBoolean());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("written").ValueKind);
        Assert.Equal(0, root.GetProperty("warnings").GetArrayLength());
        var lines = File.ReadAllLines(results);
        Assert.Contains("Version=1.2.4-alpha.0.1", lines);
        Assert.Contains("Tag=v1.2.3", lines);
        Assert.Contains("Height=1", lines);
        Assert.Contains($"Commit={_repo.Head}", lines);
    }

    [Fact]
    public async Task Write_puts_the_bare_version_in_version_txt_and_says_so_on_stderr_only()
    {
        var (exit, stdout, stderr) = await CliRunner.Run("version", _repo.Path, "--write", "version.txt");

        Assert.Equal(0, exit);
        Assert.Equal("1.2.3\n", stdout);
        Assert.Equal("1.2.3\n", File.ReadAllText(Path.Combine(_repo.Path, "version.txt")));
        Assert.Contains("wrote 1.2.3 to " + Path.Combine(_repo.Path, "version.txt"), stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_of_a_cmake_file_sets_PROJECT_VER_and_warns_until_CMakeLists_includes_it()
    {
        File.WriteAllText(Path.Combine(_repo.Path, "CMakeLists.txt"), "cmake_minimum_required(VERSION 3.16)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(blink)\n");

        var first = await CliRunner.Run("version", _repo.Path, "--write", "version.cmake");

        Assert.Equal(0, first.Exit);
        Assert.Contains("set(PROJECT_VER \"1.2.3\")\n", File.ReadAllText(Path.Combine(_repo.Path, "version.cmake")), StringComparison.Ordinal);
        Assert.Contains("warning ESPR2411", first.Err, StringComparison.Ordinal);
        Assert.Contains("include(${CMAKE_CURRENT_LIST_DIR}/version.cmake)", first.Err, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_repo.Path, "CMakeLists.txt"), "cmake_minimum_required(VERSION 3.16)\ninclude(${CMAKE_CURRENT_LIST_DIR}/version.cmake)\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(blink)\n");
        var second = await CliRunner.Run("version", _repo.Path, "--write", "version.cmake");
        Assert.DoesNotContain("ESPR2411", second.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_warns_when_CMakeLists_sets_PROJECT_VER_itself()
    {
        File.WriteAllText(Path.Combine(_repo.Path, "CMakeLists.txt"), "cmake_minimum_required(VERSION 3.16)\nset(PROJECT_VER \"0.1\")\ninclude($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(blink)\n");

        var (exit, stdout, stderr) = await CliRunner.Run("version", _repo.Path, "--write", "version.txt");

        Assert.Equal(0, exit);
        Assert.Equal("1.2.3\n", stdout);
        Assert.Contains("warning ESPR2411", stderr, StringComparison.Ordinal);
        Assert.Contains("sets PROJECT_VER itself", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Write_warns_when_sdkconfig_takes_the_version_from_Kconfig()
    {
        File.WriteAllText(Path.Combine(_repo.Path, "CMakeLists.txt"), "include($ENV{IDF_PATH}/tools/cmake/project.cmake)\nproject(blink)\n");
        File.WriteAllText(Path.Combine(_repo.Path, "sdkconfig"), "CONFIG_APP_PROJECT_VER_FROM_CONFIG=y\nCONFIG_APP_PROJECT_VER=\"1\"\n");

        var (exit, stdout, _) = await CliRunner.Run("version", _repo.Path, "--write", "version.txt", "--json");

        Assert.Equal(0, exit);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(Path.Combine(_repo.Path, "version.txt"), doc.RootElement.GetProperty("written").GetString());
        var warning = Assert.Single(doc.RootElement.GetProperty("warnings").EnumerateArray());
        Assert.Equal("ESPR2412", warning.GetProperty("code").GetString());
    }

    [Fact]
    public async Task No_tag_is_a_warning_by_default_and_exit_2_with_require_tag()
    {
        var untagged = new TestGitRepository(_temp.Combine("untagged"));
        untagged.Commits(3);

        var lenient = await CliRunner.Run("version", untagged.Path);
        var strict = await CliRunner.Run("version", untagged.Path, "--require-tag");

        Assert.Equal(0, lenient.Exit);
        Assert.Equal("0.0.0-alpha.0.2\n", lenient.Out);
        Assert.Contains("warning ESPR2410", lenient.Err, StringComparison.Ordinal);
        Assert.Equal(2, strict.Exit);
        Assert.Equal("", strict.Out);
        Assert.Contains("error ESPR1413", strict.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_shallow_clone_of_an_untagged_commit_exits_2_naming_fetch_depth()
    {
        _repo.Commit();
        var clone = _repo.ShallowClone(_temp.Combine("clone"));

        var (exit, stdout, stderr) = await CliRunner.Run("version", clone);

        Assert.Equal(2, exit);
        Assert.Equal("", stdout);
        Assert.Contains("error ESPR1412", stderr, StringComparison.Ordinal);
        Assert.Contains("fetch-depth: 0", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--auto-increment", "sideways")]
    [InlineData("--minimum-major-minor", "two")]
    [InlineData("--default-pre-release-identifiers", "alpha..0")]
    public async Task A_bad_option_value_exits_1(string option, string value)
    {
        var (exit, _, stderr) = await CliRunner.Run("version", _repo.Path, option, value);

        Assert.Equal(1, exit);
        Assert.Contains("error ESPR1414", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Options_reach_the_engine()
    {
        _repo.Commit();

        var (_, stdout, _) = await CliRunner.Run("version", _repo.Path, "-a", "minor", "-p", "preview.0", "-b", "ci.9", "-m", "1.0");

        Assert.Equal("1.3.0-preview.0.1+ci.9\n", stdout);
    }
}
