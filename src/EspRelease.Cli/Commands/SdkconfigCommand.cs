using System.CommandLine;
using EspRelease.Cli.Output;

namespace EspRelease.Cli.Commands;

/// <summary>
/// <c>esp-release sdkconfig get|set|url|check</c>: read and patch an ESP-IDF project's sdkconfig and
/// sdkconfig.defaults without reformatting them, and check them for switches that weaken OTA security.
/// </summary>
internal sealed class SdkconfigCommand : Command
{
    public SdkconfigCommand(Option<DiagnosticsFormat> format)
        : base("sdkconfig", "Read and patch an ESP-IDF project's sdkconfig / sdkconfig.defaults (values replaced in place, everything else kept byte for byte), set the firmware URL option, and check for switches that weaken OTA security.")
    {
        Subcommands.Add(new SdkconfigGetCommand(format));
        Subcommands.Add(new SdkconfigSetCommand(format));
        Subcommands.Add(new SdkconfigUrlCommand(format));
        Subcommands.Add(new SdkconfigCheckCommand(format));
    }
}
