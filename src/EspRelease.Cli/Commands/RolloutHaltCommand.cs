using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release rollout halt CHANNEL</c>: no more devices take the channel's current release.</summary>
internal sealed class RolloutHaltCommand : RolloutChangeCommandBase
{
    public RolloutHaltCommand(Option<DiagnosticsFormat> format)
        : base("halt", "Stop new installs of the channel's current release: a new signed pointer with percent 0 (action halt). Devices that already installed it keep it (to send them back, `esp-release rollback`); the others keep polling, and `rollout set` later resumes with the same devices first. Halting a halted channel writes nothing.", format)
    {
    }

    protected override Task<ChannelChange> ChangeAsync(CommandContext context, IReleaseHost host, string channel, ChannelOptions options, CancellationToken cancellationToken) =>
        ChannelRollout.HaltAsync(host, channel, options, cancellationToken);
}
