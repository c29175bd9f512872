using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace EspRelease.Cli.Output;

/// <summary>
/// <c>--help</c> as System.CommandLine writes it, with every usage line naming the tool the way users
/// run it, <c>dotnet esp-release …</c> (installed as a dotnet tool the executable is
/// <c>dotnet-esp-release</c>, run from a build <c>esp-release</c>; neither is what people type).
/// </summary>
internal sealed class ToolHelpAction(HelpAction standard) : SynchronousCommandLineAction
{
    public const string Invocation = "dotnet esp-release";

    public override int Invoke(ParseResult parseResult)
    {
        // The standard help, written aside (the output is this invocation's own), then renamed.
        var configuration = parseResult.InvocationConfiguration;
        var output = configuration.Output;
        var text = new StringWriter();
        configuration.Output = text;
        int exit;
        try
        {
            exit = standard.Invoke(parseResult);
        }
        finally
        {
            configuration.Output = output;
        }

        var usage = $"  {parseResult.RootCommandResult.Command.Name}";
        var lines = text.ToString().Split('\n').Select(line =>
            line.StartsWith(usage, StringComparison.Ordinal) && (line.Length == usage.Length || line[usage.Length] == ' ')
                ? $"  {Invocation}{line[usage.Length..]}"
                : line);
        output.Write(string.Join('\n', lines));
        return exit;
    }
}
