using System.Linq;
using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tasks;

/// <summary>
/// Writes the CA the firmware must embed into the ESP-IDF project: <c>esp-release ca fetch &lt;url&gt;</c>
/// (the root that completes the chain the server serves), or <c>esp-release ca dev --project</c> for
/// the development CA that signs <c>esp-release serve</c>'s certificates.
/// </summary>
public sealed class EspReleaseEmbedCaTask : EspReleaseToolTask
{
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>The https URL devices download from; empty with <see cref="DevelopmentCa"/>.</summary>
    public string Url { get; set; } = "";

    /// <summary>Embed the development CA instead of fetching a server's chain.</summary>
    public bool DevelopmentCa { get; set; }

    /// <summary>Extra CA files to complete the chain with (a private CA), besides the system store.</summary>
    public ITaskItem[] Trust { get; set; } = [];

    /// <summary>The ESP-IDF version the firmware is built with; decides mbedtls's host-name rules.</summary>
    public string IdfVersion { get; set; } = "";

    protected override string Verb => DevelopmentCa ? "ca dev" : "ca fetch";

    protected override string ResultKey => "CaFile";

    protected override bool ValidateParameters()
    {
        if (DevelopmentCa == string.IsNullOrEmpty(Url))
        {
            return base.ValidateParameters();
        }

        Log.LogError(null, "ESPR1050", null, BuildEngine?.ProjectFileOfTaskNode, 0, 0, 0, 0,
            "EspReleaseEmbedCa needs exactly one of EspReleaseCaUrl (the https URL devices download from) and EspReleaseDevCa=true (the development CA of `esp-release serve`).");
        return false;
    }

    protected override void AddArguments(ToolArguments arguments)
    {
        if (DevelopmentCa)
        {
            arguments.AddOption("--project", FullPathOrEmpty(ProjectDirectory));
            return;
        }

        arguments.Add(Url);
        arguments.AddOption("--project", FullPathOrEmpty(ProjectDirectory));
        arguments.AddOptions("--trust", Trust.Select(t => t.GetMetadata("FullPath")));
        arguments.AddOption("--idf-version", IdfVersion);
    }
}
