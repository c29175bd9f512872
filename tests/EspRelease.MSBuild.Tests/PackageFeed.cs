using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The EspRelease.MSBuild nupkg in a local feed, packed once for the test run. build/test.sh packs it
/// beforehand and passes the folder in ESP_RELEASE_PACKAGES; run alone, the fixture packs it itself.
/// </summary>
public sealed class PackageFeed : IDisposable
{
    public const string PackageId = "EspRelease.MSBuild";

    private readonly TempDirectory _temp = new();

    public PackageFeed()
    {
        if (Environment.GetEnvironmentVariable("ESP_RELEASE_PACKAGES") is { Length: > 0 } packed)
        {
            Directory = Path.GetFullPath(packed);
        }
        else
        {
            Directory = _temp.Combine("feed");
            var (exit, output) = DotnetCli.Run(Repo.Root, null, "pack", Repo.MSBuildProject, "-c", "Release", "-nologo", "-o", Directory);
            Assert.True(exit == 0, $"dotnet pack {Repo.MSBuildProject} failed:\n{output}");
        }

        var package = System.IO.Directory.GetFiles(Directory, PackageId + ".*.nupkg").OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
        Assert.True(package is not null, $"no {PackageId} package in {Directory}");
        PackagePath = package;
        Version = Path.GetFileNameWithoutExtension(package)[(PackageId.Length + 1)..];
    }

    public string Directory { get; }

    /// <summary>The .nupkg itself.</summary>
    public string PackagePath { get; }

    public string Version { get; }

    /// <summary>
    /// Makes <paramref name="folder"/> a place where a user's project restores from this feed only: a
    /// global.json pinning the SDK line this repository builds with, and a nuget.config with just the feed.
    /// </summary>
    public void Isolate(string folder)
    {
        System.IO.Directory.CreateDirectory(folder);
        File.Copy(Path.Combine(Repo.Root, "global.json"), Path.Combine(folder, "global.json"), overwrite: true);
        File.WriteAllText(Path.Combine(folder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="esp-release-tests" value="{Directory}" />
              </packageSources>
            </configuration>
            """);
    }

    /// <summary>The environment of a user's build: its own package cache, so no earlier test run's copy of the package is used.</summary>
    public static Dictionary<string, string?> UserEnvironment(string folder) => new()
    {
        ["NUGET_PACKAGES"] = Path.Combine(folder, ".nuget-packages"),
    };

    public void Dispose() => _temp.Dispose();
}

// xunit's idiom names a collection definition "...Collection"; it is no collection type.
[CollectionDefinition(Name)]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "xunit collection definition")]
public sealed class PackageFeedCollection : ICollectionFixture<PackageFeed>
{
    public const string Name = "EspRelease.MSBuild package";
}
