using System.CommandLine;
using System.Globalization;
using EspRelease.Cli.Output;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary>What <c>rollout set</c> and <c>rollout halt</c> share: the channel, the host, the keys, and the report of the new pointer.</summary>
internal abstract class RolloutChangeCommandBase : ReleaseCommandBase
{
    protected RolloutChangeCommandBase(string name, string description, Option<DiagnosticsFormat> format)
        : base(name, description, format)
    {
        Arguments.Add(ChannelArgument);
        foreach (var option in new Option[] { HostOption, KeyOption, TrustedKeysOption })
        {
            Options.Add(option);
        }

        S3.AddTo(this);
    }

    internal Argument<string> ChannelArgument { get; } = new("channel") { Description = "The channel whose current release is staged (e.g. stable)." };

    internal S3Flags S3 { get; } = new();

    internal Option<string?> HostOption { get; } = HostOptions.Host("--host");

    internal Option<string?> KeyOption { get; } = HostOptions.SigningKey();

    internal Option<string[]> TrustedKeysOption { get; } = HostOptions.TrustedKeys();

    /// <summary>The change itself: a new pointer for the channel's current release, or none.</summary>
    protected abstract Task<ChannelChange> ChangeAsync(CommandContext context, IReleaseHost host, string channel, ChannelOptions options, CancellationToken cancellationToken);

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(HostOption), "--host", S3);
        var change = await ChangeAsync(context, host, context.Parse.GetValue(ChannelArgument)!, new ChannelOptions
        {
            Key = context.SigningKey(context.Get(KeyOption)),
            TrustedKeys = context.TrustedKeys(context.Get(TrustedKeysOption)),
            Created = CommandContext.Now,
        }, cancellationToken);
        context.Results["Channel"] = change.Channel;
        context.Results["Version"] = change.Manifest.Version;
        context.Results["Sequence"] = change.Manifest.Sequence.ToString(CultureInfo.InvariantCulture);
        context.Results["Changed"] = change.Changed ? "true" : "false";
        context.Results["RolloutPercent"] = ChannelRollout.PercentOf(change.Manifest).ToString(CultureInfo.InvariantCulture);

        if (context.Json)
        {
            ReleaseJsonWriter.WriteChange(context.Stdout, change, null);
        }
        else
        {
            context.Warn(change.Warnings);
            RolloutTextWriter.WriteChange(context.Stdout, change);
        }

        return ExitCodes.Success;
    }
}
