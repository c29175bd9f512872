using System.Reflection;

namespace EspRelease.MSBuild.Tests;

/// <summary>Where this repository's parts are, for tests that evaluate, build or pack them.</summary>
internal static class Repo
{
    public static string Root { get; } = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string MSBuildProject => Path.Combine(Root, "src", "EspRelease.MSBuild", "EspRelease.MSBuild.csproj");

    /// <summary>The package's build/ folder, imported directly by the in-process tests.</summary>
    public static string BuildFolder => Path.Combine(Root, "src", "EspRelease.MSBuild", "build");

    /// <summary>The task assembly and the tool, both copied beside the tests by their project references.</summary>
    public static string TasksAssembly => Path.Combine(AppContext.BaseDirectory, "EspRelease.MSBuild.dll");

    public static string ToolAssembly => Path.Combine(AppContext.BaseDirectory, "esp-release.dll");
}
