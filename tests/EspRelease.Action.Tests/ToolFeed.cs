using System.Diagnostics;
using System.Text.RegularExpressions;
using EspRelease.MSBuild.Tests;
using EspRelease.Testing;

namespace EspRelease.Action.Tests;

/// <summary>
/// The EspRelease.Tool packages in a local feed, packed once per test class the way the README's
/// "As a dotnet tool" paragraph does (for linux-x64 only, to keep it short: a pointer package, the
/// ReadyToRun one and the portable "any" one). Built under an artifacts path of its own: the
/// repository's bin/ and obj/ stay as the test build left them, and an MSBuild test packing the same
/// project at the same time cannot collide with it.
/// </summary>
public sealed partial class ToolFeed : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ToolFeed()
    {
        Directory = _temp.Combine("feed");
        var clock = Stopwatch.StartNew();
        var (exit, output) = DotnetCli.Run(Repo.Root, null, "pack", Path.Combine(Repo.Root, "src", "EspRelease.Cli"), "-c", "Release", "-nologo",
            "-o", Directory, "--artifacts-path", _temp.Combine("artifacts"), "-p:EspReleaseToolRuntimeIdentifiers=linux-x64");
        PackTime = clock.Elapsed;
        Assert.True(exit == 0, $"dotnet pack src/EspRelease.Cli failed:\n{output}");
        Version = System.IO.Directory.GetFiles(Directory, "*.nupkg").Select(f => PointerPackage().Match(Path.GetFileName(f)))
            .Single(m => m.Success).Groups["version"].Value;
    }

    /// <summary>The feed folder, for tool-source.</summary>
    public string Directory { get; }

    /// <summary>The version the pack gave EspRelease.Tool (the pointer package's).</summary>
    public string Version { get; }

    public TimeSpan PackTime { get; }

    public void Dispose() => _temp.Dispose();

    // EspRelease.Tool.1.0.0.nupkg, not EspRelease.Tool.linux-x64.1.0.0.nupkg or EspRelease.Tool.any.1.0.0.nupkg.
    [GeneratedRegex(@"^EspRelease\.Tool\.(?<version>[0-9][^/]*)\.nupkg$")]
    private static partial Regex PointerPackage();
}
