using System.Text.RegularExpressions;
using EspRelease.Core.Doctor.DeviceLog;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Every fix the doctor gives as a command of this tool is one the tool understands: each
/// `dotnet esp-release …` in the rule table's fixes, placeholders filled in, parses without an error
/// (a renamed verb or option would otherwise send users to a command that does not exist).
/// </summary>
public sealed partial class DoctorFixCommandTests
{
    public static TheoryData<string> Commands()
    {
        var data = new TheoryData<string>();
        foreach (var command in DeviceLogRules.All.SelectMany(r => CommandInFix().Matches(r.Fix)).Select(m => m.Groups[1].Value).Distinct())
        {
            data.Add(command);
        }

        return data;
    }

    [Fact]
    public void The_rule_table_names_commands_at_all() => Assert.True(Commands().Count >= 5);

    [Theory]
    [MemberData(nameof(Commands))]
    public void A_fix_command_parses(string command)
    {
        var filled = command.Replace("<url>", "https://127.0.0.1:8070/fw.bin", StringComparison.Ordinal)
            .Replace("<dir>", "firmware", StringComparison.Ordinal)
            .Replace("<n>", "2", StringComparison.Ordinal)
            .Replace("<version>", "1.2.3", StringComparison.Ordinal)
            .Replace("<account>", "fleet", StringComparison.Ordinal)
            .Replace("<container>", "firmware", StringComparison.Ordinal);
        var args = filled.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var parse = EspReleaseRootCommand.Create(args[0]).Parse(args);

        Assert.True(parse.Errors.Count == 0, $"`dotnet esp-release {filled}`: {string.Join("; ", parse.Errors.Select(e => e.Message))}");
        Assert.DoesNotContain('<', filled);
    }

    // `dotnet esp-release VERB …` up to the closing backtick.
    [GeneratedRegex(@"`dotnet esp-release ([^`]+)`")]
    private static partial Regex CommandInFix();
}
