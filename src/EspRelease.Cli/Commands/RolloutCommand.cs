using System.CommandLine;
using EspRelease.Cli.Output;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release rollout</c>: who on a channel gets its current release: set the percent, halt, or show it.</summary>
internal sealed class RolloutCommand : Command
{
    public RolloutCommand(Option<DiagnosticsFormat> format)
        : base("rollout", "Staged rollout of a channel's current release: only a percent of its devices, picked by a hash of each device's id, take it; the others keep polling and install nothing. `set` raises the percent (raising only ever adds devices: the same ones stay in), `halt` stops new installs (devices that installed it keep it; to take it back from them, `rollback`), `status` shows the percent and which devices are in. Each change is a new signed pointer with the channel's next sequence.")
    {
        Subcommands.Add(new RolloutSetCommand(format));
        Subcommands.Add(new RolloutHaltCommand(format));
        Subcommands.Add(new RolloutStatusCommand(format));
    }
}
