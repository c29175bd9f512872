using System.Text.RegularExpressions;
using EspRelease.Action.Tests.Harness;
using EspRelease.MSBuild.Tests;
using EspRelease.Testing;
using YamlDotNet.RepresentationModel;

namespace EspRelease.Action.Tests;

/// <summary>The workflows users copy (templates/github-workflows), the project's own CI, and the template that ships them.</summary>
public sealed partial class WorkflowTests : IDisposable
{
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IEnumerable<string> Workflows() =>
        Directory.GetFiles(Path.Combine(Repo.WorkflowTemplates, ".github", "workflows"), "*.yml")
            .Append(Path.Combine(Repo.Root, ".github", "workflows", "ci.yml"));

    [Fact]
    public void Every_uses_is_local_or_pinned_by_a_full_commit_sha_with_a_comment_saying_which()
    {
        var files = Workflows().Append(Repo.Action).ToList();
        Assert.True(files.Count >= 4, string.Join(", ", files));
        foreach (var file in files)
        {
            var uses = YamlFile.AllValues(YamlFile.LoadMapping(file), "uses").ToList();
            Assert.NotEmpty(uses);
            foreach (var reference in uses.Where(u => !u.StartsWith("./", StringComparison.Ordinal)))
            {
                Assert.True(Pinned().IsMatch(reference), $"{file}: '{reference}' is not pinned by a full commit SHA");
                Assert.Matches($@"uses: {Regex.Escape(reference)} # \S", File.ReadAllText(file));
            }
        }
    }

    [Fact]
    public void The_README_shows_the_Azure_workflow_exactly_as_the_template_ships_it()
    {
        var readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md")).ReplaceLineEndings("\n");
        var workflow = File.ReadAllText(Path.Combine(Repo.WorkflowTemplates, ".github", "workflows", "firmware-azure.yml")).ReplaceLineEndings("\n");

        Assert.Contains("```yaml\n" + workflow + "```", readme, StringComparison.Ordinal);
    }

    [Fact]
    public void Workflows_ask_for_least_permissions_keep_no_credentials_and_put_no_expression_in_a_script()
    {
        foreach (var file in Workflows())
        {
            var workflow = YamlFile.LoadMapping(file);
            Assert.True(YamlFile.Child(workflow, "permissions") is YamlScalarNode { Value: "read-all" } or YamlMappingNode, $"{file}: no top-level permissions");
            if (YamlFile.Mapping(workflow, "permissions") is { } top)
            {
                Assert.Equal(["contents=read"], YamlFile.Entries(top).Select(e => $"{e.Key}={e.Value}"));
            }

            foreach (var (_, job) in YamlFile.Entries(YamlFile.Mapping(workflow, "jobs")))
            {
                foreach (var step in ((YamlSequenceNode)YamlFile.Child((YamlMappingNode)job, "steps")!).Children.Cast<YamlMappingNode>())
                {
                    if (YamlFile.Scalar(step, "uses") is { } uses && uses.StartsWith("actions/checkout@", StringComparison.Ordinal))
                    {
                        Assert.Equal("false", YamlFile.Scalar(YamlFile.Mapping(step, "with")!, "persist-credentials"));
                    }

                    Assert.False(YamlFile.Scalar(step, "run") is { } run && Expression.HasExpression(run), $"{file}: an expression in run:");
                }
            }
        }
    }

    [Fact]
    public void The_template_pack_installs_esp_release_workflows_which_instantiates_the_workflows_pinned_to_the_given_commit()
    {
        var packages = _temp.Combine("packages");
        Dotnet(Repo.Root, "pack", Path.Combine(Repo.Root, "templates", "EspRelease.Templates.csproj"), "-c", "Release", "-nologo",
            "-o", packages, "-p:Version=9.8.7-workflows-test", "--artifacts-path", _temp.Combine("artifacts"));
        var hive = _temp.Combine("hive");
        Dotnet(_temp.Path, "new", "install", Path.Combine(packages, "EspRelease.Templates.9.8.7-workflows-test.nupkg"), "--debug:custom-hive", hive);
        var repo = _temp.Combine("firmware-repo");
        Dotnet(_temp.Path, "new", "esp-release-workflows", "-o", repo, "--action-repository", "octo/esp-release", "--action-commit", Commit,
            "--no-update-check", "--debug:custom-hive", hive);

        var made = Directory.GetFiles(repo, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(repo, f).Replace('\\', '/')).Order();
        Assert.Equal([".github/workflows/firmware-azure.yml", ".github/workflows/firmware-pages.yml"], made);
        foreach (var file in Directory.GetFiles(Path.Combine(repo, ".github", "workflows")))
        {
            var uses = YamlFile.AllValues(YamlFile.LoadMapping(file), "uses").ToList();
            Assert.Contains($"octo/esp-release/.github/actions/esp-release@{Commit}", uses);
            Assert.All(uses, u => Assert.Matches(Pinned(), u));
            Assert.DoesNotContain("0000000000000000000000000000000000000000", File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    private static void Dotnet(string directory, params string[] args)
    {
        var (exit, output) = DotnetCli.Run(directory, null, args);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited {exit}:\n{output}");
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.-]+(/[^@]+)?@[0-9a-f]{40}$")]
    private static partial Regex Pinned();
}
