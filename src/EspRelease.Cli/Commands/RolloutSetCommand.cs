using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release rollout set CHANNEL PERCENT</c>: stage the channel's current release to a percent of its devices.</summary>
internal sealed class RolloutSetCommand : RolloutChangeCommandBase
{
    public RolloutSetCommand(Option<DiagnosticsFormat> format)
        : base("set", "Let PERCENT of the channel's devices take its current release: a new signed pointer (action rollout, the channel's next sequence). Raising the percent only ever adds devices; those already in stay in, since the cohort depends only on the channel, the firmware and the device id. Devices outside it install nothing and keep polling, so a raise reaches them on their next check. Lowering holds back only devices that have not installed it yet (with a warning); `rollout halt` stops new installs, `rollback` takes the release back. The same percent again writes nothing.", format)
    {
        Arguments.Add(PercentArgument);
    }

    internal Argument<int> PercentArgument { get; } = new("percent")
    {
        Description = "0 to 100: the share of the channel's devices that take the release (100: every device).",
        CustomParser = result => HostOptions.Percent(result, "PERCENT") ?? 0,
    };

    protected override Task<ChannelChange> ChangeAsync(CommandContext context, IReleaseHost host, string channel, ChannelOptions options, CancellationToken cancellationToken) =>
        ChannelRollout.SetAsync(host, channel, context.Parse.GetValue(PercentArgument), options, cancellationToken);
}
