using System.CommandLine;
using EspRelease.Cli.Commands;
using EspRelease.Cli.Output;

namespace EspRelease.Cli;

/// <summary>Builds the command tree; each verb lives in its own class under Commands/.</summary>
internal static class EspReleaseRootCommand
{
    /// <param name="verb">The first argument of the command line, when it may name a verb: only that verb is built.</param>
    public static RootCommand Create(string? verb = null)
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
        // Building a verb costs its options, descriptions and their JIT: a run that names one builds
        // only that one. Help, completion ([suggest]) and anything unrecognised get the whole tree.
        var all = Verbs(diagnosticsFormat);
        var named = Array.FindIndex(all, v => v.Name == verb);
        foreach (var (_, create) in named >= 0 ? all[named..(named + 1)] : all)
        {
            root.Subcommands.Add(create());
        }

        if (root.Options.OfType<System.CommandLine.Help.HelpOption>().FirstOrDefault() is { Action: System.CommandLine.Help.HelpAction standard } help)
        {
            help.Action = new ToolHelpAction(standard);
        }

        return root;
    }

    /// <summary>Every verb, by the name its command has (a test holds the two equal).</summary>
    internal static (string Name, Func<Command> Create)[] Verbs(Option<DiagnosticsFormat> format) =>
    [
        ("inspect", () => new InspectCommand(format)),
        ("keygen", () => new KeygenCommand(format)),
        ("pack", () => new PackCommand(format)),
        ("sign-image", () => new SignImageCommand(format)),
        ("publish", () => new PublishCommand(format)),
        ("verify", () => new VerifyCommand(format)),
        ("promote", () => new PromoteCommand(format)),
        ("rollback", () => new RollbackCommand(format)),
        ("rollout", () => new RolloutCommand(format)),
        ("sdkconfig", () => new SdkconfigCommand(format)),
        ("ca", () => new CaCommand(format)),
        ("serve", () => new ServeCommand(format)),
        ("probe", () => new ProbeCommand(format)),
        ("doctor", () => new DoctorCommand(format)),
        ("version", () => new VersionCommand(format)),
    ];
}
