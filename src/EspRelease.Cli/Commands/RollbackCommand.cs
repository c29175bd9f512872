using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release rollback --channel C</c>: point a channel back at the release it had before.</summary>
internal sealed class RollbackCommand : ReleaseCommandBase
{
    public RollbackCommand(Option<DiagnosticsFormat> format)
        : base("rollback", "Point a channel back at the release it had before the current one, re-signed with a new sequence so devices accept it. Refused when that release has a lower secure_version (devices that burned the eFuse would refuse it).", format)
    {
        foreach (var option in new Option[] { ChannelOption, HostOption, KeyOption, TrustedKeysOption })
        {
            Options.Add(option);
        }

        S3.AddTo(this);
    }

    internal Option<string?> ChannelOption { get; } = new("--channel", "-c") { Description = "The channel to roll back. Default: \"channel\" in esp-release.json, else stable." };

    internal S3Flags S3 { get; } = new();

    internal Option<string?> HostOption { get; } = HostOptions.Host("--host");

    internal Option<string?> KeyOption { get; } = HostOptions.SigningKey();

    internal Option<string[]> TrustedKeysOption { get; } = HostOptions.TrustedKeys();

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(HostOption), "--host", S3);
        var channel = context.Get(ChannelOption) ?? context.Config.Channel ?? ReleaseNaming.DefaultChannel;
        var change = await ChannelMover.RollbackAsync(host, channel, new ChannelOptions
        {
            Key = context.SigningKey(context.Get(KeyOption)),
            TrustedKeys = context.TrustedKeys(context.Get(TrustedKeysOption)),
            Created = CommandContext.Now,
        }, cancellationToken);

        if (context.Json)
        {
            ReleaseJsonWriter.WriteChange(context.Stdout, change, null);
        }
        else
        {
            context.Warn(change.Warnings);
            ReleaseTextWriter.WriteChange(context.Stdout, change, "Rolled back");
        }

        return ExitCodes.Success;
    }
}
