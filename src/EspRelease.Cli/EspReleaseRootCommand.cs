using System.CommandLine;
using EspRelease.Cli.Commands;
using EspRelease.Cli.Output;

namespace EspRelease.Cli;

/// <summary>Builds the command tree; each verb lives in its own class under Commands/.</summary>
internal static class EspReleaseRootCommand
{
    public static RootCommand Create()
    {
        var diagnosticsFormat = new Option<DiagnosticsFormat>("--diagnostics-format")
        {
            Description = "How errors and warnings are written to stderr: text (for people), msbuild (`file : error ESPR1xxx: …`, what the MSBuild tasks parse), github (workflow annotations).",
            DefaultValueFactory = _ => DiagnosticsFormat.Text,
            Recursive = true,
        };

        var root = new RootCommand(
            "esp-release turns `idf.py build` output into an OTA release an ESP32 can download and trust, " +
            "and checks it the way the device will before anything is flashed.")
        {
            diagnosticsFormat,
        };
        root.Subcommands.Add(new InspectCommand(diagnosticsFormat));
        root.Subcommands.Add(new KeygenCommand(diagnosticsFormat));
        root.Subcommands.Add(new PackCommand(diagnosticsFormat));
        root.Subcommands.Add(new PublishCommand(diagnosticsFormat));
        root.Subcommands.Add(new VerifyCommand(diagnosticsFormat));
        root.Subcommands.Add(new PromoteCommand(diagnosticsFormat));
        root.Subcommands.Add(new RollbackCommand(diagnosticsFormat));
        root.Subcommands.Add(new SdkconfigCommand(diagnosticsFormat));
        root.Subcommands.Add(new CaCommand(diagnosticsFormat));
        root.Subcommands.Add(new ServeCommand(diagnosticsFormat));
        root.Subcommands.Add(new ProbeCommand(diagnosticsFormat));
        return root;
    }
}
