using System.Reflection;

namespace EspRelease.Testing;

/// <summary>Where the shared fixtures (real esptool / ESP-IDF outputs) live: ../shared/fixtures beside the repository.</summary>
public static class Fixtures
{
    public static string Root { get; } = Resolve();

    public static string Images => Path.Combine(Root, "images");

    public static string Partitions => Path.Combine(Root, "partitions");

    public static string SimpleOtaBuild => Path.Combine(Root, "idf-build", "simple_ota");

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
