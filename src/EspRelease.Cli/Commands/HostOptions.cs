using System.CommandLine;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;

namespace EspRelease.Cli.Commands;

/// <summary>Options for the verbs that change a channel: where the host is and which keys sign and are trusted.</summary>
internal static class HostOptions
{
    public static Option<string?> Host(string name, params string[] aliases) => new(name, aliases)
    {
        Description = "The host: dir:<folder> (or a plain folder path). Default: \"host\" in esp-release.json.",
    };

    public static Option<string[]> TrustedKeys() => new("--trusted-key")
    {
        Description = "A public key (PEM) the channel's existing pointers may be signed with, besides the signing key; repeat for several (key rotation). Default: \"trustedKeys\" in esp-release.json.",
    };

    public static Option<string?> SigningKey() => new("--key", "-k")
    {
        Description = "The key that signs the new channel pointer. Default: \"key\" in esp-release.json, else ESP_RELEASE_SIGNING_KEY.",
    };

    public static IReleaseHost Open(CommandContext context, string? flag, string flagName) =>
        HostAddress.Open(flag ?? context.Config.Host ?? throw new EspReleaseException(DiagnosticCodes.HostInvalid,
            $"no host: pass {flagName} dir:<folder>, or set \"host\" in esp-release.json.", kind: FailureKind.Usage));
}
