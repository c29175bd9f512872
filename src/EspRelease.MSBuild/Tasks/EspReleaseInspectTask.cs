namespace EspRelease.MSBuild.Tasks;

/// <summary><c>esp-release inspect &lt;build-dir&gt;</c>: validates the idf.py build the way the device will.</summary>
public sealed class EspReleaseInspectTask : EspReleaseToolTask
{
    [Microsoft.Build.Framework.Required]
    public string BuildDirectory { get; set; } = "";

    protected override string Verb => "inspect";

    protected override string ResultKey => "AppImage";

    protected override void AddArguments(ToolArguments arguments) => arguments.Add(FullPathOrEmpty(BuildDirectory));

    protected override bool TakesConfig => false;
}
