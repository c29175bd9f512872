using System.Collections;
using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The build engine a task sees, minus the build: it records what the task logs (SourceLink's and
/// GitVersion's MockEngine), so a test can assert on codes, files and texts as MSBuild would show them.
/// </summary>
internal sealed class FakeBuildEngine : IBuildEngine
{
    private readonly List<BuildErrorEventArgs> _errors = [];
    private readonly List<BuildWarningEventArgs> _warnings = [];
    private readonly List<BuildMessageEventArgs> _messages = [];
    private readonly Lock _lock = new();

    public FakeBuildEngine(string projectFile)
    {
        ProjectFileOfTaskNode = projectFile;
    }

    public IReadOnlyList<BuildErrorEventArgs> Errors
    {
        get
        {
            lock (_lock)
            {
                return [.. _errors];
            }
        }
    }

    public IReadOnlyList<BuildWarningEventArgs> Warnings
    {
        get
        {
            lock (_lock)
            {
                return [.. _warnings];
            }
        }
    }

    public IReadOnlyList<BuildMessageEventArgs> Messages
    {
        get
        {
            lock (_lock)
            {
                return [.. _messages];
            }
        }
    }

    /// <summary>Everything logged, one event a line, for assertion messages.</summary>
    public string Log
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _errors.Select(e => $"error {e.Code} [{e.File}]: {e.Message}")
                    .Concat(_warnings.Select(w => $"warning {w.Code} [{w.File}]: {w.Message}"))
                    .Concat(_messages.Select(m => $"message: {m.Message}")));
            }
        }
    }

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode { get; }

    // ToolTask logs from the threads that read the tool's stdout and stderr.
    public void LogErrorEvent(BuildErrorEventArgs e)
    {
        lock (_lock)
        {
            _errors.Add(e);
        }
    }

    public void LogWarningEvent(BuildWarningEventArgs e)
    {
        lock (_lock)
        {
            _warnings.Add(e);
        }
    }

    public void LogMessageEvent(BuildMessageEventArgs e)
    {
        lock (_lock)
        {
            _messages.Add(e);
        }
    }

    public void LogCustomEvent(CustomBuildEventArgs e)
    {
    }

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) =>
        throw new NotSupportedException("The EspRelease tasks never build other projects.");

    /// <summary>
    /// Makes <paramref name="task"/> log here and run the tool beside the tests from <paramref name="workingDirectory"/>,
    /// as the targets set it up. Not generic on purpose: xunit's discovery reads every method of a test
    /// class before the Locator has registered (MSBuildSetup), and a constraint on an MSBuild type fails to load then.
    /// </summary>
    public void Attach(EspRelease.MSBuild.Tasks.EspReleaseToolTask task, string workingDirectory)
    {
        task.BuildEngine = this;
        task.ToolAssembly = Repo.ToolAssembly;
        task.DotnetHostPath = DotnetCli.Executable;
        task.WorkingDirectory = workingDirectory;
        task.ResultsFile = Path.Combine(workingDirectory, "obj", task.GetType().Name + ".results");
    }
}
