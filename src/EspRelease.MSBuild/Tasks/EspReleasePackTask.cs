using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tasks;

/// <summary><c>esp-release pack &lt;build-dir&gt; --out DIR</c>: validates the build and writes a signed release directory.</summary>
public sealed class EspReleasePackTask : EspReleaseToolTask
{
    [Required]
    public string BuildDirectory { get; set; } = "";

    [Required]
    public string OutputDirectory { get; set; } = "";

    /// <summary>A path to the signing key; empty: esp-release.json's, else ESP_RELEASE_SIGNING_KEY in the environment.</summary>
    public string KeyFile { get; set; } = "";

    public string Channel { get; set; } = "";

    /// <summary>The version CI expects (a git tag); the release is refused if the image says otherwise.</summary>
    public string Version { get; set; } = "";

    public bool AllowNonSemver { get; set; }

    public bool AllowInsecure { get; set; }

    public bool Factory { get; set; }

    protected override string Verb => "pack";

    protected override string ResultKey => "ReleaseDirectory";

    protected override void AddArguments(ToolArguments arguments)
    {
        arguments.Add(FullPathOrEmpty(BuildDirectory));
        arguments.AddOption("--out", FullPathOrEmpty(OutputDirectory));
        arguments.AddOption("--key", FullPathOrEmpty(KeyFile));
        arguments.AddOption("--channel", Channel);
        arguments.AddOption("--version", Version);
        arguments.AddFlag("--allow-non-semver", AllowNonSemver);
        arguments.AddFlag("--allow-insecure", AllowInsecure);
        arguments.AddFlag("--factory", Factory);
    }
}
