using System.Linq;
using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tasks;

/// <summary>
/// <c>esp-release publish &lt;release-dir&gt; --to HOST</c>: uploads a packed release and moves the channel
/// pointer. Host credentials (AZURE_STORAGE_*, the AWS chain: AWS_ACCESS_KEY_ID, AWS_PROFILE, …) and the
/// signing key (ESP_RELEASE_SIGNING_KEY) are read by the tool from its environment; there is
/// deliberately no parameter for them.
/// </summary>
public sealed class EspReleasePublishTask : EspReleaseToolTask
{
    /// <summary>A release directory written by pack (or an idf.py build directory, packed first).</summary>
    [Required]
    public string ReleaseDirectory { get; set; } = "";

    /// <summary><c>dir:&lt;folder&gt;</c>, <c>azure://account/container[/prefix]</c> or <c>s3://bucket[/prefix]</c>; empty: esp-release.json's host.</summary>
    public string Host { get; set; } = "";

    public string KeyFile { get; set; } = "";

    public string Channel { get; set; } = "";

    public bool AllowNonSemver { get; set; }

    /// <summary>A percent (0-100) of the channel's devices to stage the release to; empty: every device.</summary>
    public string Rollout { get; set; } = "";

    /// <summary>Public keys the channel's existing pointers may be signed with (key rotation).</summary>
    public ITaskItem[] TrustedKeys { get; set; } = [];

    /// <summary>The CA file the firmware embeds, for the check from the device's side after an Azure publish.</summary>
    public string CaFile { get; set; } = "";

    /// <summary>The ESP-IDF project, whose embedded CA file that check uses when <see cref="CaFile"/> is empty.</summary>
    public string ProjectDirectory { get; set; } = "";

    /// <summary>s3:// hosts: an S3-compatible service's endpoint (--s3-endpoint); empty: AWS_ENDPOINT_URL_S3, else AWS.</summary>
    public string S3Endpoint { get; set; } = "";

    /// <summary>s3:// hosts: path-style addressing (--s3-path-style).</summary>
    public bool S3PathStyle { get; set; }

    /// <summary>s3:// hosts on a service that ignores If-Match: replace the pointer anyway (--s3-unconditional-writes; one publisher at a time).</summary>
    public bool S3UnconditionalWrites { get; set; }

    protected override string Verb => "publish";

    protected override string ResultKey => "ChannelPointer";

    protected override void AddArguments(ToolArguments arguments)
    {
        arguments.Add(FullPathOrEmpty(ReleaseDirectory));
        arguments.AddOption("--to", Host);
        arguments.AddOption("--key", FullPathOrEmpty(KeyFile));
        arguments.AddOption("--channel", Channel);
        arguments.AddFlag("--allow-non-semver", AllowNonSemver);
        arguments.AddOption("--rollout", Rollout);
        arguments.AddOptions("--trusted-key", TrustedKeys.Select(k => k.GetMetadata("FullPath")));
        arguments.AddOption("--ca", FullPathOrEmpty(CaFile));
        arguments.AddOption("--project", FullPathOrEmpty(ProjectDirectory));
        arguments.AddOption("--s3-endpoint", S3Endpoint);
        arguments.AddFlag("--s3-path-style", S3PathStyle);
        arguments.AddFlag("--s3-unconditional-writes", S3UnconditionalWrites);
    }
}
