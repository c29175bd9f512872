using System.CommandLine;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Commands;

/// <summary>What the <c>sdkconfig</c> subcommands share: <c>--project</c>.</summary>
internal static class SdkconfigOptions
{
    public static Option<string?> Project() => new("--project")
    {
        Description = "The ESP-IDF project directory (the one holding sdkconfig, sdkconfig.defaults and main/). Default: the current directory.",
    };

    public static SdkconfigProject Open(CommandContext context, Option<string?> project) =>
        SdkconfigProject.Open(context.Get(project) ?? Directory.GetCurrentDirectory());

    /// <summary>How a source reads in a report: "sdkconfig", "sdkconfig.defaults", "Kconfig default", "build".</summary>
    public static string SourceName(SdkconfigSource source) => source switch
    {
        SdkconfigSource.Sdkconfig => "sdkconfig",
        SdkconfigSource.Defaults => "sdkconfig.defaults",
        SdkconfigSource.Kconfig => "kconfig",
        _ => "build",
    };
}
