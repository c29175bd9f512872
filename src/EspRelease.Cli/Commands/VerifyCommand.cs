using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release verify &lt;release-dir|file.jws|host&gt; --key K…</c>: check a release the way a device will.</summary>
internal sealed class VerifyCommand : ReleaseCommandBase
{
    public VerifyCommand(Option<DiagnosticsFormat> format)
        : base("verify", "Check a signed release as a device would, and more: the ES256 signature by one of the given keys (reports which), manifest.json equal to the signed payload, and the firmware's size, SHA-256, image validity, chip, project, version and secure_version.", format)
    {
        Arguments.Add(PathArgument);
        Options.Add(KeysOption);
        Options.Add(ChannelOption);
        S3.AddTo(this);
    }

    internal S3Flags S3 { get; } = new();

    internal Argument<string?> PathArgument { get; } = new("path")
    {
        Description = "A release directory (holding manifest.jws), a .jws file, or a host (dir:<folder>, azure://…, s3://…, or a folder holding channels/). Default: \"host\" in esp-release.json.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal Option<string[]> KeysOption { get; } = new("--key", "-k")
    {
        Description = "A trusted public key (key.pub.pem) or private key; repeat for several (key rotation). Default: the keys in esp-release.json, else ESP_RELEASE_SIGNING_KEY.",
    };

    internal Option<string?> ChannelOption { get; } = new("--channel", "-c")
    {
        Description = "For a host: the channel to verify. Default: every channel on the host.",
    };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var path = context.Parse.GetValue(PathArgument) ?? context.Config.Host
            ?? throw new EspReleaseException(DiagnosticCodes.UnknownInput, "nothing to verify: pass a release directory, a .jws file or a host, or set \"host\" in esp-release.json.", kind: FailureKind.Usage);
        var keys = context.VerificationKeys(context.Get(KeysOption));
        var reports = new List<VerificationReport>();

        var isHost = path.StartsWith("dir:", StringComparison.OrdinalIgnoreCase) || path.Contains("://", StringComparison.Ordinal)
            || (Directory.Exists(path) && !ReleaseDirectory.IsRelease(path) && Directory.Exists(Path.Combine(path, "channels")));
        if (isHost)
        {
            var host = HostAddress.Open(path, S3.Environment(context));
            var channels = context.Get(ChannelOption) is { } one ? [one] : await ChannelsOnAsync(host, cancellationToken);
            foreach (var channel in channels)
            {
                reports.Add(await ReleaseDirectory.VerifyChannelAsync(host, channel, keys, cancellationToken));
            }
        }
        else
        {
            reports.Add(ReleaseVerifier.VerifyLocal(path, keys));
        }

        if (context.Json)
        {
            ReleaseJsonWriter.WriteVerify(context.Stdout, reports);
        }
        else
        {
            reports.ForEach(r => ReleaseTextWriter.WriteVerified(context.Stdout, r));
        }

        return ExitCodes.Success;
    }

    private static async Task<IReadOnlyList<string>> ChannelsOnAsync(IReleaseHost host, CancellationToken cancellationToken)
    {
        var channels = (await host.ListAsync("channels/", cancellationToken))
            .Where(p => p.EndsWith(".jws", StringComparison.Ordinal) && p.Count(c => c == '/') == 1)
            .Select(p => p["channels/".Length..^4])
            .ToList();
        return channels.Count > 0 ? channels : throw new EspReleaseException(DiagnosticCodes.ChannelEmpty,
            $"{host.Display}: no channels/*.jws; nothing was published to this host.", host.Display);
    }
}
