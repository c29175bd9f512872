using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release rollout status CHANNEL [--device-id ID]…</c>: read-only: the channel's release, its percent, and whether given devices are in.</summary>
internal sealed class RolloutStatusCommand : ReleaseCommandBase
{
    public RolloutStatusCommand(Option<DiagnosticsFormat> format)
        : base("status", "Show a channel's staged rollout without changing anything: its current release, version and sequence, the percent of devices that take it (everyone when the pointer has no rollout) and the salt; with --device-id, each device's bucket (0-99) and whether it is in (bucket below the percent). The pointer's signature is checked first.", format)
    {
        Arguments.Add(ChannelArgument);
        foreach (var option in new Option[] { HostOption, KeysOption, DeviceIdOption })
        {
            Options.Add(option);
        }

        S3.AddTo(this);
    }

    internal Argument<string> ChannelArgument { get; } = new("channel") { Description = "The channel to show (e.g. stable)." };

    internal S3Flags S3 { get; } = new();

    internal Option<string?> HostOption { get; } = HostOptions.Host("--host");

    internal Option<string[]> KeysOption { get; } = new("--key", "-k")
    {
        Description = "A trusted public key (key.pub.pem) or private key the channel's pointers are signed with; repeat for several (key rotation). Default: the keys in esp-release.json, else ESP_RELEASE_SIGNING_KEY.",
    };

    internal Option<string[]> DeviceIdOption { get; } = new("--device-id")
    {
        Description = "A device's rollout id (the ESP-IDF component's default: its base MAC as 12 lowercase hex digits, e.g. 246f28a1b2c3); repeat for several. Shows its bucket and whether it takes the release.",
        HelpName = "ID",
    };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(HostOption), "--host", S3);
        var keys = context.VerificationKeys(context.Get(KeysOption));
        var ids = context.Get(DeviceIdOption) ?? [];
        foreach (var id in ids)
        {
            RolloutCohort.CheckDeviceId(id);
        }

        var state = await ChannelRollout.ReadCurrentAsync(host, context.Parse.GetValue(ChannelArgument)!, keys, cancellationToken);
        var status = new RolloutStatus(host.Display, state.Current!.Manifest, ids);
        context.Results["Channel"] = state.Channel;
        context.Results["Version"] = status.Manifest.Version;
        context.Results["Sequence"] = status.Manifest.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Results["RolloutPercent"] = status.Percent.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (context.Json)
        {
            RolloutJsonWriter.WriteStatus(context.Stdout, status);
        }
        else
        {
            RolloutTextWriter.WriteStatus(context.Stdout, status);
        }

        return ExitCodes.Success;
    }
}
