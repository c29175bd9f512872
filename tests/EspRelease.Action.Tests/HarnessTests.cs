using EspRelease.Action.Tests.Harness;
using EspRelease.Testing;

namespace EspRelease.Action.Tests;

/// <summary>The harness itself: it evaluates what GitHub evaluates, the same way, and refuses what it does not know.</summary>
public sealed class HarnessTests
{
    private static object? Eval(string text, bool failed = false) => Expression.Evaluate(text, path => string.Join('.', path) switch
    {
        "inputs.command" => "publish",
        "inputs.empty" => "",
        "steps.run.outputs.ok" => null,
        var other => throw new NotSupportedException(other),
    }, f => f switch { "always" => true, "success" => !failed, _ => failed });

    [Theory]
    [InlineData("inputs.command == 'PUBLISH'", true)] // strings compare ignoring case
    [InlineData("inputs.command != 'pack' && inputs.command == 'publish'", true)]
    [InlineData("inputs.command == 'pack' || inputs.command == 'inspect'", false)]
    [InlineData("!(inputs.empty)", true)]
    [InlineData("steps.run.outputs.ok == ''", true)] // null and '' are both 0 as numbers
    [InlineData("always()", true)]
    [InlineData("success() && inputs.command == 'publish'", true)]
    [InlineData("failure()", false)]
    [InlineData("'it''s' == 'IT''S'", true)]
    public void Conditions_evaluate_as_on_GitHub(string text, bool expected) => Assert.Equal(expected, Expression.IsTruthy(Eval(text)));

    [Fact]
    public void Or_yields_the_first_truthy_operand_and_interpolation_writes_values_as_text()
    {
        Assert.Equal("fallback", Eval("steps.run.outputs.ok || 'fallback'"));
        Assert.Equal("publish", Eval("inputs.empty || inputs.command"));
        Assert.Equal("esp-release publish: true", Expression.Interpolate("esp-release ${{ inputs.command }}: ${{ always() }}", p => "publish", _ => true));
    }

    [Theory]
    [InlineData("contains(inputs.command, 'pub')")]
    [InlineData("inputs.command == 1")]
    [InlineData("inputs.command[0]")]
    [InlineData("inputs.command > 'a'")]
    [InlineData("secrets.KEY")]
    [InlineData("'unterminated")]
    public void Anything_else_is_refused_loudly(string text) => Assert.Throws<NotSupportedException>(() => Eval(text));

    [Fact]
    public void Output_files_parse_by_the_runners_rules_and_a_malformed_one_is_an_error()
    {
        using var temp = new TempDirectory();
        var path = temp.Combine("output");
        File.WriteAllText(path, "a=1\nb=x=y\n\nc<<EOF_1\nline 1\nline=2\nEOF_1\nd=\n");
        Assert.Equal(
            [new("a", "1"), new("b", "x=y"), new("c", "line 1\nline=2"), new KeyValuePair<string, string>("d", "")],
            FileCommands.Parse(path));

        File.WriteAllText(path, "c<<EOF_1\nline 1\n");
        Assert.Contains("never comes", Assert.Throws<InvalidDataException>(() => FileCommands.Parse(path)).Message, StringComparison.Ordinal);
        File.WriteAllText(path, "just a line\n");
        Assert.Throws<InvalidDataException>(() => FileCommands.Parse(path));
    }

    [Fact]
    public void Annotations_unescape_as_the_runner_does()
    {
        var c = WorkflowCommand.TryParse("::error file=a%2Cb.bin,line=3,title=ESPR1001::100%25 bad%0Anext: line")!;
        Assert.Equal("error", c.Name);
        Assert.Equal("a,b.bin", c.Properties["file"]);
        Assert.Equal("3", c.Properties["line"]);
        Assert.Equal("100% bad\nnext: line", c.Data);
        Assert.Null(WorkflowCommand.TryParse("plain text"));
    }
}
