using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EspRelease.MSBuild.Tasks;

/// <summary>
/// Reads the results an earlier run left, so that an incremental build whose pack target was skipped
/// (nothing changed) still returns the release's items and properties.
/// </summary>
public sealed class EspReleaseReadResults : Task
{
    [Required]
    public string ResultsFile { get; set; } = "";

    [Required]
    public string ResultKey { get; set; } = "";

    [Output]
    public ITaskItem? Result { get; private set; }

    public override bool Execute()
    {
        if (!File.Exists(ResultsFile))
        {
            Log.LogError(null, "ESPR1052", null, ResultsFile, 0, 0, 0, 0,
                "no esp-release results at '{0}' although the step that writes them is up to date. Delete the file's folder (or run `dotnet clean`) and build again.", ResultsFile);
            return false;
        }

        Result = ToolResults.Read(ResultsFile, ResultKey);
        return true;
    }
}
