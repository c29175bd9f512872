using System.Security;
using System.Text.Json;
using EspRelease.Testing;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The package's props and targets evaluated and built in this process by the SDK's own MSBuild
/// (registered by <see cref="MSBuildSetup"/>), with the real tasks running the real tool.
/// </summary>
public sealed class TargetsEvaluationTests
{
    private static readonly string _props = Path.Combine(Repo.BuildFolder, "EspRelease.MSBuild.props");
    private static readonly string _targets = Path.Combine(Repo.BuildFolder, "EspRelease.MSBuild.targets");

    [Fact]
    public void Defaults_are_full_paths_and_the_release_goes_under_OutDir()
    {
        using var temp = new TempDirectory();
        var file = WriteSdkProject(temp, "<EspReleaseProjectDir>firmware</EspReleaseProjectDir>");
        using var collection = new ProjectCollection();

        var project = collection.LoadProject(file);

        Assert.Equal(Dir(temp.Combine("firmware")), project.GetPropertyValue("EspReleaseProjectDir"));
        Assert.Equal(Dir(temp.Combine("firmware", "build")), project.GetPropertyValue("EspReleaseBuildDir"));
        Assert.Equal("false", project.GetPropertyValue("EspReleaseSkip"));
        Assert.Equal("auto", project.GetPropertyValue("EspReleaseVersion"));
        Assert.Equal("true", project.GetPropertyValue("_EspReleaseEnabled"));
        // An empty OutDir (targets evaluated before Microsoft.Common set it) would put the release in <project>/esp-release/.
        Assert.NotEqual("", project.GetPropertyValue("OutDir"));
        Assert.Equal(Dir(temp.Combine("bin", "Debug", "net10.0", "esp-release")), project.GetPropertyValue("EspReleaseOutputDir"));
        Assert.Equal(Dir(temp.Combine("obj", "Debug", "net10.0", "esp-release")), project.GetPropertyValue("_EspReleaseIntermediateDir"));
    }

    [Fact]
    public void Values_the_user_set_are_kept_and_made_full_paths()
    {
        using var temp = new TempDirectory();
        var file = WriteProject(temp, """
            <EspReleaseProjectDir>firmware</EspReleaseProjectDir>
            <EspReleaseBuildDir>../idf-out</EspReleaseBuildDir>
            <EspReleaseOutputDir>dist</EspReleaseOutputDir>
            <EspReleaseKeyFile>keys/signing-key.pem</EspReleaseKeyFile>
            """);
        using var collection = new ProjectCollection();

        var project = collection.LoadProject(file);

        Assert.Equal(Dir(temp.Combine("firmware")), project.GetPropertyValue("EspReleaseProjectDir"));
        Assert.Equal(Dir(Path.GetFullPath(temp.Combine("..", "idf-out"))), project.GetPropertyValue("EspReleaseBuildDir"));
        Assert.Equal(Dir(temp.Combine("dist")), project.GetPropertyValue("EspReleaseOutputDir"));
        Assert.Equal(temp.Combine("keys", "signing-key.pem"), project.GetPropertyValue("EspReleaseKeyFile"));
    }

    [Fact]
    public void Skip_makes_pack_a_no_op()
    {
        using var temp = new TempDirectory();
        var file = WritePackableProject(temp, "<EspReleaseSkip>true</EspReleaseSkip>");

        var build = Build(file, null, "EspReleasePack");

        Assert.Equal(BuildResultCode.Success, build.Result.OverallResult);
        Assert.Empty(build.Result.ResultsByTarget["EspReleasePack"].Items);
        Assert.DoesNotContain(build.Log.Tasks, t => t.StartsWith("EspRelease", StringComparison.Ordinal));
        Assert.False(Directory.Exists(temp.Combine("bin")), build.Log.Text);
        Assert.False(Directory.Exists(temp.Combine("obj")), build.Log.Text);
    }

    [Fact]
    public void By_default_a_firmware_in_a_tagged_git_repository_must_hold_the_version_git_gives_it()
    {
        using var temp = new TempDirectory();
        var file = WritePackableProject(temp, "");
        var repo = new TestGitRepository(temp.Path);
        repo.Commit();
        repo.Tag("v9.9.9");

        var refused = Build(file, null, "EspReleasePack");
        var skipped = Build(file, new Dictionary<string, string> { ["EspReleaseVersion"] = "none" }, "EspReleasePack");

        // The fixture image says qa-test-v5.0-20220830-4-g4532e6; git says 9.9.9.
        Assert.Equal(BuildResultCode.Failure, refused.Result.OverallResult);
        Assert.Equal(["ESPR1403"], refused.Log.Errors.Select(e => e.Code));
        Assert.Contains("\"9.9.9\"", refused.Log.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("EspReleaseVersion", refused.Log.Errors[0].Message, StringComparison.Ordinal);
        Assert.Equal(BuildResultCode.Success, skipped.Result.OverallResult);
    }

    [Fact]
    public void Pack_without_a_build_directory_is_ESPR1050()
    {
        using var temp = new TempDirectory();
        var file = WriteProject(temp, "");

        var build = Build(file, null, "EspReleasePack");

        Assert.Equal(BuildResultCode.Failure, build.Result.OverallResult);
        Assert.Equal(["ESPR1050"], build.Log.Errors.Select(e => e.Code));
        // MSBuild puts an Error task's error on the file holding it (our .targets); the text names the project.
        Assert.Contains("app.proj", build.Log.Errors[0].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("EspReleasePackTask", build.Log.Tasks);
    }

    [Fact]
    public void Publish_on_build_runs_after_Build_but_never_in_a_design_time_build()
    {
        using var temp = new TempDirectory();
        var host = temp.Combine("host");
        var file = WritePackableProject(temp, $"""
            <EspReleasePublishOnBuild>true</EspReleasePublishOnBuild>
            <EspReleaseHost>dir:{host}</EspReleaseHost>
            """);

        var designTime = Build(file, new Dictionary<string, string> { ["DesignTimeBuild"] = "true" }, "Build");

        Assert.Equal(BuildResultCode.Success, designTime.Result.OverallResult);
        Assert.DoesNotContain(designTime.Log.Tasks, t => t.StartsWith("EspRelease", StringComparison.Ordinal));
        Assert.False(Directory.Exists(host));
        Assert.False(Directory.Exists(temp.Combine("bin")));

        var build = Build(file, null, "Build");

        Assert.Equal("Build", build.Project.Targets["_EspReleasePublishOnBuild"].AfterTargets);
        Assert.Equal(BuildResultCode.Success, build.Result.OverallResult);
        Assert.Equal(["EspReleasePackTask", "EspReleaseReadResults", "EspReleasePublishTask"], build.Log.Tasks.Where(t => t.StartsWith("EspRelease", StringComparison.Ordinal)));
        Assert.True(File.Exists(Path.Combine(host, "channels", "stable.jws")), build.Log.Text);
        Assert.True(File.Exists(Path.Combine(host, "releases", "blink", TaskTests.FixtureVersion, "manifest.jws")), build.Log.Text);
    }

    [Fact]
    public void Pack_is_incremental_and_still_returns_the_release()
    {
        using var temp = new TempDirectory();
        var file = WritePackableProject(temp, "");
        var manifest = temp.Combine("bin", "esp-release", "manifest.jws");

        var first = Build(file, null, "EspReleasePack");

        Assert.Equal(BuildResultCode.Success, first.Result.OverallResult);
        Assert.Contains("EspReleasePackTask", first.Log.Tasks);
        var written = File.GetLastWriteTimeUtc(manifest);

        var second = Build(file, null, "EspReleasePack");

        Assert.Equal(BuildResultCode.Success, second.Result.OverallResult);
        Assert.DoesNotContain("EspReleasePackTask", second.Log.Tasks);
        Assert.Contains(second.Log.Skipped, s => s.TargetName == "_EspReleasePackIfChanged" && s.SkipReason == TargetSkipReason.OutputsUpToDate);
        Assert.Equal(written, File.GetLastWriteTimeUtc(manifest));
        var release = Assert.Single(second.Result.ResultsByTarget["EspReleasePack"].Items);
        Assert.Equal(TaskTests.FixtureVersion, release.GetMetadata("Version"));
        Assert.Equal(TaskTests.FixtureSha256, release.GetMetadata("Sha256"));
        Assert.Equal(temp.Combine("bin", "esp-release"), Path.TrimEndingDirectorySeparator(release.ItemSpec));

        // A setting given on the command line changes no input file but the settings file.
        var beta = Build(file, new Dictionary<string, string> { ["EspReleaseChannel"] = "beta" }, "EspReleasePack");

        Assert.Equal(BuildResultCode.Success, beta.Result.OverallResult);
        Assert.Contains("EspReleasePackTask", beta.Log.Tasks);
        Assert.Contains("Channel=beta", File.ReadAllLines(temp.Combine("obj", "esp-release", "pack.settings")));
        using var json = JsonDocument.Parse(File.ReadAllBytes(temp.Combine("bin", "esp-release", "manifest.json")));
        Assert.Equal("beta", json.RootElement.GetProperty("channel").GetString());
    }

    private static string Dir(string path) => Path.GetFullPath(path) + Path.DirectorySeparatorChar;

    /// <summary>
    /// An SDK project with the package's files where NuGet puts them: the props inside Sdk.props, the
    /// targets after Microsoft.Common.targets (nuget.g.targets comes in there, once OutDir is set).
    /// An Import at the bottom of a <c>&lt;Project Sdk=…&gt;</c> body would come before all of the SDK's targets.
    /// </summary>
    private static string WriteSdkProject(TempDirectory temp, string properties)
    {
        var file = temp.Combine("app.csproj");
        File.WriteAllText(file, $"""
            <Project>
              {PackageLocation()}
              <Import Project="Sdk.props" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{Xml(_props)}" />
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                {properties}
              </PropertyGroup>
              <Import Project="Sdk.targets" Sdk="Microsoft.NET.Sdk" />
              <Import Project="{Xml(_targets)}" />
            </Project>
            """);
        return file;
    }

    /// <summary>A project without the SDK (no restore, nothing but our targets), with an empty Build for the hooks.</summary>
    private static string WriteProject(TempDirectory temp, string properties)
    {
        var file = temp.Combine("app.proj");
        File.WriteAllText(file, $"""
            <Project>
              {PackageLocation()}
              <Import Project="{Xml(_props)}" />
              <PropertyGroup>
                <!-- What Microsoft.Common.targets sets in an SDK project. -->
                <OutDir>bin/</OutDir>
                <IntermediateOutputPath>obj/</IntermediateOutputPath>
                {properties}
              </PropertyGroup>
              <Target Name="Build" />
              <Import Project="{Xml(_targets)}" />
            </Project>
            """);
        return file;
    }

    /// <summary>A project pack can succeed on: a copy of the fixture build under firmware/build, and a key.</summary>
    private static string WritePackableProject(TempDirectory temp, string properties)
    {
        temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("firmware", "build"));
        TaskTests.WriteSigningKey(temp.Combine("signing-key.pem"));
        return WriteProject(temp, $"""
            <EspReleaseProjectDir>firmware</EspReleaseProjectDir>
            <EspReleaseKeyFile>signing-key.pem</EspReleaseKeyFile>
            <EspReleaseAllowNonSemver>true</EspReleaseAllowNonSemver>
            {properties}
            """);
    }

    // This build's task assembly and tool, as the repository points at fresh build output.
    private static string PackageLocation() =>
        $"<PropertyGroup><EspReleaseTasksAssembly>{Xml(Repo.TasksAssembly)}</EspReleaseTasksAssembly><EspReleaseToolPath>{Xml(Repo.ToolAssembly)}</EspReleaseToolPath></PropertyGroup>";

    private static string Xml(string text) => SecurityElement.Escape(text);

    /// <summary>
    /// Builds in a BuildManager of its own, so that no other in-process build (another test class's)
    /// can collide with this one on the default manager.
    /// </summary>
    private static (BuildResult Result, RecordingLogger Log, ProjectInstance Project) Build(string file, IDictionary<string, string>? globalProperties, params string[] targets)
    {
        var properties = new Dictionary<string, string>(globalProperties ?? new Dictionary<string, string>())
        {
            ["DOTNET_HOST_PATH"] = TaskTests.DotnetHost,
        };
        using var collection = new ProjectCollection(properties);
        var instance = new ProjectInstance(file, properties, null, collection);
        var logger = new RecordingLogger();
        using var manager = new BuildManager("esp-release-tests");
        var parameters = new BuildParameters(collection)
        {
            Loggers = [logger],
            EnableNodeReuse = false,
            MaxNodeCount = 1,
        };

        var result = manager.Build(parameters, new BuildRequestData(instance, targets));
        return (result, logger, instance);
    }

    /// <summary>What a build said that the tests look at: errors with their codes, tasks run, targets skipped.</summary>
    private sealed class RecordingLogger : ILogger
    {
        private readonly List<BuildErrorEventArgs> _errors = [];
        private readonly List<string> _tasks = [];
        private readonly List<TargetSkippedEventArgs> _skipped = [];
        private readonly List<string> _lines = [];
        private readonly Lock _lock = new();

        public LoggerVerbosity Verbosity { get; set; } = LoggerVerbosity.Diagnostic;

        public string? Parameters { get; set; }

        public List<BuildErrorEventArgs> Errors => Read(_errors);

        public List<string> Tasks => Read(_tasks);

        public List<TargetSkippedEventArgs> Skipped => Read(_skipped);

        public string Text => string.Join('\n', Read(_lines));

        public void Initialize(IEventSource eventSource) => eventSource.AnyEventRaised += (_, e) => Record(e);

        public void Shutdown()
        {
        }

        private void Record(BuildEventArgs e)
        {
            lock (_lock)
            {
                switch (e)
                {
                    case BuildErrorEventArgs error:
                        _errors.Add(error);
                        _lines.Add($"error {error.Code} [{error.File}]: {error.Message}");
                        break;
                    case BuildWarningEventArgs warning:
                        _lines.Add($"warning {warning.Code} [{warning.File}]: {warning.Message}");
                        break;
                    case TaskStartedEventArgs task:
                        _tasks.Add(task.TaskName);
                        break;
                    case TargetSkippedEventArgs skipped:
                        _skipped.Add(skipped);
                        _lines.Add($"skipped {skipped.TargetName}: {skipped.SkipReason}");
                        break;
                    case BuildMessageEventArgs { Importance: MessageImportance.High or MessageImportance.Normal } message:
                        _lines.Add(message.Message ?? "");
                        break;
                    default:
                        break;
                }
            }
        }

        private List<T> Read<T>(List<T> list)
        {
            lock (_lock)
            {
                return [.. list];
            }
        }
    }
}
