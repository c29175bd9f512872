using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release promote --from beta --to stable --version V</c>: point one channel at a release another has had.</summary>
internal sealed class PromoteCommand : ReleaseCommandBase
{
    public PromoteCommand(Option<DiagnosticsFormat> format)
        : base("promote", "Point a channel at a release another channel has had (e.g. beta → stable), re-signed with the target channel's next sequence. The version rules apply against the target's current release; the firmware is re-checked on the host first.", format)
    {
        foreach (var option in new Option[] { FromOption, ToOption, VersionOption, HostOption, KeyOption, TrustedKeysOption, AllowNonSemverOption, RolloutOption })
        {
            Options.Add(option);
        }

        S3.AddTo(this);
    }

    internal Option<string> FromOption { get; } = new("--from") { Description = "The channel that has the release (e.g. beta).", Required = true };

    internal Option<string> ToOption { get; } = new("--to") { Description = "The channel to point at it (e.g. stable).", Required = true };

    internal Option<string> VersionOption { get; } = new("--version") { Description = "The version to promote, as the manifest has it.", Required = true };

    internal S3Flags S3 { get; } = new();

    internal Option<string?> HostOption { get; } = HostOptions.Host("--host");

    internal Option<string?> KeyOption { get; } = HostOptions.SigningKey();

    internal Option<string[]> TrustedKeysOption { get; } = HostOptions.TrustedKeys();

    internal Option<int?> RolloutOption { get; } = HostOptions.Rollout();

    internal Option<bool> AllowNonSemverOption { get; } = new("--allow-non-semver") { Description = "Skip the ordering check when a version is not semver (with a warning)." };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(HostOption), "--host", S3);
        var change = await ChannelMover.PromoteAsync(host, context.Get(FromOption)!, context.Get(ToOption)!, context.Get(VersionOption)!, new ChannelOptions
        {
            Key = context.SigningKey(context.Get(KeyOption)),
            TrustedKeys = context.TrustedKeys(context.Get(TrustedKeysOption)),
            AllowNonSemver = context.Get(AllowNonSemverOption) || context.Config.AllowNonSemver,
            RolloutPercent = context.Get(RolloutOption),
            Created = CommandContext.Now,
        }, cancellationToken);

        if (context.Json)
        {
            ReleaseJsonWriter.WriteChange(context.Stdout, change, null);
        }
        else
        {
            context.Warn(change.Warnings);
            ReleaseTextWriter.WriteChange(context.Stdout, change, "Promoted");
        }

        return ExitCodes.Success;
    }
}
