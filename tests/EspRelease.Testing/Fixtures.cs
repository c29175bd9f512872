using System.Reflection;

namespace EspRelease.Testing;

/// <summary>Where the shared fixtures (real esptool / ESP-IDF outputs) live: ../shared/fixtures beside the repository.</summary>
public static class Fixtures
{
    public static string Root { get; } = Resolve();

    public static string Images => Path.Combine(Root, "images");

    public static string Partitions => Path.Combine(Root, "partitions");

    public static string SimpleOtaBuild => Path.Combine(Root, "idf-build", "simple_ota");

    /// <summary>Real kconfgen-written sdkconfig files (sdkconfig/&lt;name&gt;/sdkconfig).</summary>
    public static string Sdkconfigs => Path.Combine(Root, "sdkconfig");

    /// <summary>ESP-IDF example projects' configuration files (idf-project/simple_ota_example, advanced_https_ota).</summary>
    public static string IdfProjects => Path.Combine(Root, "idf-project");

    public static string Image(string name) => Path.Combine(Images, name);

    private static string Resolve()
    {
        var fromBuild = typeof(Fixtures).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "FixturesDir")?.Value;
        var dir = Environment.GetEnvironmentVariable("ESP_RELEASE_FIXTURES") ?? fromBuild;
        if (dir is null || !Directory.Exists(dir))
        {
            throw new InvalidOperationException($"The shared fixtures were not found at '{dir}'. Check out the repository with ../shared beside it, or set ESP_RELEASE_FIXTURES.");
        }

        return dir;
    }
}
