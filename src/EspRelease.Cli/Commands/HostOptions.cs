using System.CommandLine;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;

namespace EspRelease.Cli.Commands;

/// <summary>Options for the verbs that change a channel: where the host is and which keys sign and are trusted.</summary>
internal static class HostOptions
{
    public static Option<string?> Host(string name, params string[] aliases) => new(name, aliases)
    {
        Description = "The host: dir:<folder> (or a plain folder path), azure://<account>/<container>[/<prefix>] (credentials from AZURE_STORAGE_CONNECTION_STRING, else AZURE_STORAGE_SAS_TOKEN, else DefaultAzureCredential), or s3://<bucket>[/<prefix>] (credentials from the AWS chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity, instance role). Default: \"host\" in esp-release.json.",
    };

    public static Option<string[]> TrustedKeys() => new("--trusted-key")
    {
        Description = "A public key (PEM) the channel's existing pointers may be signed with, besides the signing key; repeat for several (key rotation). Default: \"trustedKeys\" in esp-release.json.",
    };

    public static Option<string?> SigningKey() => new("--key", "-k")
    {
        Description = "The key that signs the new channel pointer. Default: \"key\" in esp-release.json, else ESP_RELEASE_SIGNING_KEY.",
    };

    /// <summary><c>publish</c>/<c>promote --rollout</c>: stage the release to a share of the channel's devices.</summary>
    public static Option<int?> Rollout() => new("--rollout")
    {
        Description = "Stage the release: only this percent (0-100) of the channel's devices take it, picked by a hash of each device's id; the rest keep polling. Raise it later with `esp-release rollout set` (raising only ever adds devices), stop it with `rollout halt`. On the release the channel already points at, writes a pointer with the new percent. Default: every device (a release already on the channel keeps its percent).",
        HelpName = "PERCENT",
        CustomParser = result => Percent(result, "--rollout"),
    };

    /// <summary>A rollout percent: a whole number from 0 to 100, else a usage error.</summary>
    public static int? Percent(System.CommandLine.Parsing.ArgumentResult result, string name) =>
        WholeNumberParser.Parse(result, name, 0, 100, "a whole number from 0 (nobody new installs) to 100 (every device)");

    /// <summary>Azure Blob: how long the device URL's SAS must keep working at least.</summary>
    public static Option<int> SasDays() => new("--sas-days")
    {
        Description = "Azure Blob, private container: the device URL's read-only SAS keeps working at least this many days; its stored access policy is extended when it would expire sooner (never shortened). S3, private bucket: how long the presigned URLs last, at most 7 days (S3's limit, said in a warning).",
        DefaultValueFactory = _ => 365,
        CustomParser = result => WholeNumberParser.Parse(result, "--sas-days", 1, 36500, "a whole number of days from 1 to 36500") ?? 0,
    };

    /// <summary>Azure Blob: the stored access policy device SAS URLs refer to.</summary>
    public static Option<string> SasPolicy() => new("--sas-policy")
    {
        Description = "Azure Blob, private container: the container's stored access policy the device SAS refers to (created read-only if missing). Deleting it revokes every URL signed with it; publish with a new id afterwards.",
        DefaultValueFactory = _ => AzureBlobHost.DefaultReadPolicy,
    };

    /// <summary>Azure Blob: print the device URL with its SAS.</summary>
    public static Option<bool> ShowSas() => new("--show-sas")
    {
        Description = "Azure Blob and S3: print the device URL whole, with its read-only SAS or presigned signature, on stdout (for sdkconfig; never in diagnostics or --json). Without it the query is shown as <redacted>.",
    };

    public static IReleaseHost Open(CommandContext context, string? flag, string flagName, S3Flags s3) =>
        HostAddress.Open(flag ?? context.Config.Host ?? throw new EspReleaseException(DiagnosticCodes.HostInvalid,
            $"no host: pass {flagName} dir:<folder>, {flagName} {AzureBlobAddress.Form} or {flagName} {S3Address.Form}, or set \"host\" in esp-release.json.", kind: FailureKind.Usage), s3.Environment(context));
}

/// <summary>
/// The s3:// settings a flag may give. They reach the host as the environment variables the MSBuild
/// targets and the action set too, so all three faces configure it one way.
/// </summary>
internal sealed class S3Flags
{
    public Option<string?> Endpoint { get; } = new("--s3-endpoint")
    {
        Description = "s3:// hosts: the endpoint of an S3-compatible service (R2, MinIO, …), e.g. https://<account>.r2.cloudflarestorage.com. Default: AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL, else AWS S3 in AWS_REGION.",
        HelpName = "URL",
    };

    public Option<bool> PathStyle { get; } = new("--s3-path-style")
    {
        Description = "s3:// hosts: address the bucket in the path (https://endpoint/bucket/key) rather than as a subdomain. Automatic for IP-address and localhost endpoints.",
    };

    public Option<bool> UnconditionalWrites { get; } = new("--s3-unconditional-writes")
    {
        Description = "s3:// hosts on a service that ignores If-Match (detected): replace channel pointers anyway, with a warning. Only when one publisher runs at a time (e.g. a CI concurrency group): two at once would overwrite each other silently.",
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Endpoint);
        command.Options.Add(PathStyle);
        command.Options.Add(UnconditionalWrites);
    }

    /// <summary>The process environment with the flags given laid over it.</summary>
    public Func<string, string?> Environment(CommandContext context)
    {
        var endpoint = context.Get(Endpoint);
        var pathStyle = context.Get(PathStyle);
        var unconditional = context.Get(UnconditionalWrites);
        return name => name switch
        {
            S3HostOptions.EndpointVariable when endpoint is not null => endpoint,
            S3HostOptions.PathStyleVariable when pathStyle => "1",
            S3HostOptions.UnconditionalWritesVariable when unconditional => "1",
            _ => CommandContext.Environment(name),
        };
    }
}
