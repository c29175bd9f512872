using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Commands;

/// <summary>
/// The shared frame of the release verbs: <c>--json</c> and <c>--config</c>, and one place that turns
/// a typed core error into diagnostics (and a JSON failure document) and the documented exit code.
/// </summary>
internal abstract class ReleaseCommandBase : Command
{
    private readonly Option<DiagnosticsFormat> _format;

    protected ReleaseCommandBase(string name, string description, Option<DiagnosticsFormat> format)
        : base(name, description)
    {
        _format = format;
        Options.Add(JsonOption);
        Options.Add(ConfigOption);
        Options.Add(ResultsFileOption);
        SetAction(RunAsync);
    }

    internal Option<bool> JsonOption { get; } = new("--json")
    {
        Description = "Write the result as one JSON document to stdout (also on failure: \"ok\": false with the errors). Diagnostics still go to stderr.",
    };

    internal Option<string?> ConfigOption { get; } = new("--config")
    {
        Description = "The esp-release.json to take defaults from. Default: the nearest one from the current directory up to the repository root.",
    };

    internal Option<string?> ResultsFileOption { get; } = new("--results-file")
    {
        Description = "Also write the results as Name=Value lines to this file (what the MSBuild tasks read). Never holds a secret.",
        Hidden = true,
    };

    protected abstract Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken);

    /// <summary>"ca fetch", "publish": the verb as typed, for messages.</summary>
    internal static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null && r.Command is not RootCommand; r = r.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, r.Command.Name);
        }

        return string.Join(' ', names);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var context = new CommandContext(parse, parse.GetValue(JsonOption), parse.GetValue(_format), ConfigOption);
        var exitCode = await RunVerbAsync(context, parse, cancellationToken);
        if (context.Diagnostics.Format == DiagnosticsFormat.GitHub)
        {
            GitHubStepResults.WriteOrWarn(context.Stderr, CommandPath(parse), exitCode, context.Results, context.Diagnostics.Written);
        }

        return exitCode;
    }

    private async Task<int> RunVerbAsync(CommandContext context, ParseResult parse, CancellationToken cancellationToken)
    {
        try
        {
            var exitCode = await ExecuteAsync(context, cancellationToken);
            if (parse.GetValue(ResultsFileOption) is { } resultsFile)
            {
                ResultsFile.Write(resultsFile, context.Results);
            }

            return exitCode;
        }
        catch (EspReleaseException e)
        {
            context.Diagnostics.WriteAll(e.Diagnostics);
            if (context.Json)
            {
                ReleaseJsonWriter.WriteFailure(context.Stdout, e.Diagnostics);
            }

            return e.Kind switch
            {
                FailureKind.Usage => ExitCodes.UsageError,
                FailureKind.Host => ExitCodes.HostFailure,
                _ => ExitCodes.Invalid,
            };
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A file the user named could not be read or written (permissions, a full disk): say so, no stack trace.
            var diagnostic = new Diagnostic(DiagnosticCodes.FileUnreadable, Severity.Error,
                $"cannot read or write a file: {e.Message} Check the path, its permissions and the free space, then run the command again.");
            context.Diagnostics.Write(diagnostic);
            if (context.Json)
            {
                ReleaseJsonWriter.WriteFailure(context.Stdout, [diagnostic]);
            }

            return ExitCodes.UsageError;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            context.Stderr.WriteLine("esp-release: cancelled; files already written are complete, and no channel pointer was changed unless the command said so.");
            return ExitCodes.HostFailure;
        }
        catch (Exception e)
        {
            // Never expected: every input fault is a typed error. Still, say why rather than exit with a stack trace.
            InternalError.Write(context.Diagnostics, context.Stderr, e, CommandPath(parse));
            if (context.Json)
            {
                ReleaseJsonWriter.WriteFailure(context.Stdout, [InternalError.Describe(e, CommandPath(parse))]);
            }

            return ExitCodes.InternalError;
        }
    }
}
