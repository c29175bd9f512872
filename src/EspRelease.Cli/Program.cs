using System.CommandLine;
using EspRelease.Cli;
using EspRelease.Cli.Commands;
using EspRelease.Cli.Output;

var parse = EspReleaseRootCommand.Create(args.Length > 0 ? args[0] : null).Parse(args);
try
{
    // No default handler: it would print a stack trace. Each verb turns its own failures into
    // diagnostics; what still escapes is a fault of the tool and is said as one. Ctrl+C and SIGTERM
    // are ours (TerminationSignals says why), not System.CommandLine's.
    using var signals = new TerminationSignals(TimeSpan.FromSeconds(10), Console.Error);
    return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, signals.Token);
}
catch (Exception e)
{
    InternalError.Write(new DiagnosticWriter(Console.Error, DiagnosticsFormat.Text), Console.Error, e, ReleaseCommandBase.CommandPath(parse));
    return ExitCodes.InternalError;
}
