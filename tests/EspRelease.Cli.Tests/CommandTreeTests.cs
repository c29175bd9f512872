using System.CommandLine;

namespace EspRelease.Cli.Tests;

/// <summary>The command tree: built in full for help, one verb for a run that names it, and help that says how the tool is run.</summary>
public sealed class CommandTreeTests
{
    [Fact]
    public void Each_verb_is_listed_under_the_name_its_command_has()
    {
        Assert.All(EspReleaseRootCommand.Verbs(new Option<Output.DiagnosticsFormat>("--diagnostics-format")), v => Assert.Equal(v.Name, v.Create().Name));
    }

    [Fact]
    public void A_run_that_names_a_verb_builds_only_that_verb_and_anything_else_builds_them_all()
    {
        Assert.Equal(["inspect"], EspReleaseRootCommand.Create("inspect").Subcommands.Select(c => c.Name));
        Assert.Equal(EspReleaseRootCommand.Verbs(new Option<Output.DiagnosticsFormat>("x")).Length, EspReleaseRootCommand.Create("--help").Subcommands.Count);
        Assert.Equal(EspReleaseRootCommand.Verbs(new Option<Output.DiagnosticsFormat>("x")).Length, EspReleaseRootCommand.Create("[suggest:3]").Subcommands.Count);
        Assert.Equal(EspReleaseRootCommand.Verbs(new Option<Output.DiagnosticsFormat>("x")).Length, EspReleaseRootCommand.Create("inspekt").Subcommands.Count);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("ca", "fetch", "--help")]
    [InlineData("inspect", "-h")]
    [InlineData("rollout", "set", "--help")]
    public async Task Help_shows_the_tool_as_users_run_it(params string[] args)
    {
        var (exit, stdout, _) = await CliRunner.Run(args);

        Assert.Equal(0, exit);
        var usage = stdout.Split('\n').SkipWhile(l => l != "Usage:").Skip(1).First();
        Assert.StartsWith($"  dotnet esp-release {string.Join(' ', args.Where(a => !a.StartsWith('-')))}".TrimEnd(), usage, StringComparison.Ordinal);
    }
}
