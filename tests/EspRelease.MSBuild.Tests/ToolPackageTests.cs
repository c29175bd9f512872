using System.IO.Compression;
using System.Reflection.PortableExecutable;
using System.Runtime.InteropServices;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The dotnet tool package, installed the way its readme says (pack to a folder, a tool manifest,
/// dotnet tool install --add-source) into a folder of its own, then run as users run it:
/// `dotnet esp-release`. The package for this machine's platform is the ReadyToRun one. (Packed for
/// this platform only, to keep the test short; the readme's pack makes every platform's.)
/// In the package collection: packing the CLI must not overlap the MSBuild package's publish of it.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class ToolPackageTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_readme_install_steps_work_and_give_dotnet_esp_release_precompiled_for_this_platform()
    {
        var rid = RuntimeInformation.RuntimeIdentifier;
        var feed = _temp.Combine("packages");
        var repo = _temp.Combine("firmware-repo");
        Directory.CreateDirectory(repo);
        File.Copy(Path.Combine(Repo.Root, "global.json"), Path.Combine(repo, "global.json"));
        File.WriteAllText(Path.Combine(repo, "nuget.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration><packageSources><clear /></packageSources></configuration>
            """);
        var user = PackageFeed.UserEnvironment(_temp.Path);
        // Its own ~/.dotnet too: the SDK caches where a local tool's package lies (toolResolverCache),
        // and an earlier run's entry points at a package cache that is gone.
        user["DOTNET_CLI_HOME"] = _temp.Combine("home");

        Run(Repo.Root, null, "pack", Path.Combine(Repo.Root, "src", "EspRelease.Cli"), "-c", "Release", "-nologo", "-o", feed, $"-p:EspReleaseToolRuntimeIdentifiers={rid}");
        Run(repo, user, "new", "tool-manifest");
        Run(repo, user, "tool", "install", "EspRelease.Tool", "--add-source", feed);
        var help = Run(repo, user, "esp-release", "--help");
        var inspect = Run(repo, user, "esp-release", "inspect", Fixtures.Image("esp_idf_blink_esp32s2.bin"));

        Assert.Contains("Usage:\n  dotnet esp-release [command] [options]", help.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("ESP32-S2 app", inspect, StringComparison.Ordinal);
        // The pointer package names this platform's package; that one holds esp-release precompiled.
        var installed = Directory.GetFiles(user["NUGET_PACKAGES"]!, "esp-release.dll", SearchOption.AllDirectories);
        var tool = Assert.Single(installed);
        Assert.Contains($"esprelease.tool.{rid}", tool, StringComparison.OrdinalIgnoreCase);
        using (var pe = new PEReader(File.OpenRead(tool)))
        {
            Assert.True(pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0, $"{tool} is not ReadyToRun");
        }

        using var package = ZipFile.OpenRead(Path.Combine(feed, "EspRelease.Tool.1.0.0.nupkg"));
        Assert.Contains(package.Entries, e => e.FullName == "README.md");
    }

    private static string Run(string directory, IDictionary<string, string?>? environment, params string[] args)
    {
        var (exit, output) = DotnetCli.Run(directory, environment, args);
        Assert.True(exit == 0, $"dotnet {string.Join(' ', args)} exited {exit}:\n{output}");
        return output;
    }
}
