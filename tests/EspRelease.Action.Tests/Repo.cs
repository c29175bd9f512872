using System.Reflection;

namespace EspRelease.Action.Tests;

/// <summary>Where this repository's parts are.</summary>
internal static class Repo
{
    public static string Root { get; } = typeof(Repo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepoRoot").Value!;

    public static string Action => Path.Combine(Root, ".github", "actions", "esp-release", "action.yml");

    public static string WorkflowTemplates => Path.Combine(Root, "templates", "github-workflows");
}
