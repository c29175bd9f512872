using System;
using System.IO;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EspRelease.MSBuild.Tasks;

/// <summary>
/// Runs one esp-release verb: <c>dotnet exec --roll-forward Major esp-release.dll @response-file</c>.
/// Thin on purpose: the tool does the work and reports errors in canonical MSBuild form
/// (<c>file : error ESPR1xxx: …</c>), which ToolTask turns into real build errors; results come back
/// through a <c>Name=Value</c> file. Secrets never pass through here: the tool reads them from the
/// environment it inherits, so they cannot reach a log or a binlog as task parameters.
/// </summary>
public abstract class EspReleaseToolTask : ToolTask
{
    /// <summary>The shipped tool, <c>tools/net10.0/esp-release.dll</c> (overridable through <c>EspReleaseToolPath</c>).</summary>
    [Required]
    public string ToolAssembly { get; set; } = "";

    /// <summary><c>$(DOTNET_HOST_PATH)</c>: the dotnet that runs this build. Empty: <c>dotnet</c> from PATH.</summary>
    public string DotnetHostPath { get; set; } = "";

    /// <summary>Where the tool writes its results (<c>Name=Value</c> lines); deleted before each run.</summary>
    [Required]
    public string ResultsFile { get; set; } = "";

    /// <summary>The directory the tool runs in; esp-release.json is found from here up to the repository root.</summary>
    public string WorkingDirectory { get; set; } = "";

    /// <summary>An explicit esp-release.json (<c>--config</c>).</summary>
    public string ConfigFile { get; set; } = "";

    /// <summary>What the tool reported: the item spec is the main path, every result is a metadata value.</summary>
    [Output]
    public ITaskItem? Result { get; private set; }

    /// <summary>The verb and sub-verb, e.g. <c>pack</c> or <c>ca fetch</c>.</summary>
    protected abstract string Verb { get; }

    /// <summary>The result whose value becomes <see cref="Result"/>'s item spec.</summary>
    protected abstract string ResultKey { get; }

    /// <summary>The verb's own arguments, after the verb.</summary>
    protected abstract void AddArguments(ToolArguments arguments);

    /// <summary>False for verbs without <c>--config</c> (inspect judges bytes, not settings).</summary>
    protected virtual bool TakesConfig => true;

    protected override string ToolName => Path.GetFileName(GenerateFullPathToTool());

    // Tool output is informational: the errors come as canonical lines, whatever the stream.
    protected override MessageImportance StandardErrorLoggingImportance => MessageImportance.Normal;

    protected override MessageImportance StandardOutputLoggingImportance => MessageImportance.Normal;

    public override bool Execute()
    {
        if (!File.Exists(ToolAssembly))
        {
            Log.LogError(null, "ESPR1051", null, ToolAssembly, 0, 0, 0, 0,
                "the esp-release tool is not at '{0}'. The EspRelease.MSBuild package ships it under tools/net10.0/; restore the package again, or point EspReleaseToolPath at an esp-release.dll.", ToolAssembly);
            return false;
        }

        // A stale results file from an earlier run must never pass for this run's.
        var resultsPath = FullPathOrEmpty(ResultsFile);
        Directory.CreateDirectory(Path.GetDirectoryName(resultsPath));
        File.Delete(resultsPath);

        if (!base.Execute() || Log.HasLoggedErrors)
        {
            return false;
        }

        if (!File.Exists(resultsPath))
        {
            Log.LogError(null, "ESPR1052", null, resultsPath, 0, 0, 0, 0,
                "esp-release {0} succeeded but wrote no results to '{1}'. The tool at '{2}' is probably older than this package's targets; restore the package again.", Verb, resultsPath, ToolAssembly);
            return false;
        }

        Result = ToolResults.Read(resultsPath, ResultKey);
        return true;
    }

    protected override string GenerateFullPathToTool()
    {
        if (!string.IsNullOrEmpty(DotnetHostPath))
        {
            return DotnetHostPath;
        }

        // The same fallback as MinVer and the SDK's own tool tasks: the dotnet on PATH.
        var name = Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            if (directory.Length > 0 && File.Exists(Path.Combine(directory, name)))
            {
                return Path.Combine(directory, name);
            }
        }

        return name;
    }

    protected override string GetWorkingDirectory() => string.IsNullOrEmpty(WorkingDirectory) ? base.GetWorkingDirectory() : WorkingDirectory;

    protected override string GenerateCommandLineCommands()
    {
        var builder = new CommandLineBuilder();
        builder.AppendSwitch("exec");
        builder.AppendSwitch("--roll-forward");
        builder.AppendSwitch("Major");
        builder.AppendFileNameIfNotNull(ToolAssembly);
        return builder.ToString();
    }

    // Everything else goes in the response file, which System.CommandLine expands by itself: no
    // command-line length limit, no shell quoting of paths with spaces.
    protected override string GenerateResponseFileCommands()
    {
        var arguments = new ToolArguments();
        foreach (var word in Verb.Split(' '))
        {
            arguments.Add(word);
        }

        AddArguments(arguments);
        if (TakesConfig)
        {
            arguments.AddOption("--config", FullPathOrEmpty(ConfigFile));
        }

        arguments.Add("--diagnostics-format");
        arguments.Add("msbuild");
        arguments.AddOption("--results-file", FullPathOrEmpty(ResultsFile));
        return arguments.ToString();
    }

    protected override bool HandleTaskExecutionErrors()
    {
        // The tool has already explained itself in canonical lines; only a crash reaches this point silent.
        if (!Log.HasLoggedErrors)
        {
            Log.LogError(null, "ESPR1053", null, ToolAssembly, 0, 0, 0, 0,
                "esp-release {0} exited with code {1} without reporting an error (exit codes: 1 usage, 2 refused, 3 host or network). The lines above are its output.", Verb, ExitCode);
        }

        return false;
    }

    /// <summary>Full path of an optional path parameter, relative to the working directory; empty stays empty.</summary>
    protected string FullPathOrEmpty(string path) =>
        string.IsNullOrEmpty(path) ? "" : Path.GetFullPath(Path.Combine(string.IsNullOrEmpty(WorkingDirectory) ? Directory.GetCurrentDirectory() : WorkingDirectory, path));
}
