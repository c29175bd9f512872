using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tasks;

/// <summary><c>esp-release sdkconfig url &lt;url&gt; --project DIR</c>: writes the firmware URL into sdkconfig and sdkconfig.defaults.</summary>
public sealed class EspReleasePatchSdkconfigTask : EspReleaseToolTask
{
    [Required]
    public string ProjectDirectory { get; set; } = "";

    [Required]
    public string Url { get; set; } = "";

    /// <summary>The Kconfig string option holding the URL; empty: the one main/Kconfig.projbuild defines.</summary>
    public string Option { get; set; } = "";

    protected override string Verb => "sdkconfig url";

    protected override string ResultKey => "Option";

    protected override void AddArguments(ToolArguments arguments)
    {
        arguments.Add(Url);
        arguments.AddOption("--project", FullPathOrEmpty(ProjectDirectory));
        arguments.AddOption("--option", Option);
    }
}
