namespace EspRelease.Testing;

/// <summary>Finds a C test program build/test.sh builds (device-sim, esp-release-ota-core-test).</summary>
public static class BuiltTool
{
    /// <summary>$<paramref name="variable"/> if set (it must exist), else tests/<paramref name="folder"/>/build/<paramref name="binary"/>.</summary>
    /// <param name="variable">The environment variable build/test.sh exports.</param>
    /// <param name="folder">The program's folder under tests/.</param>
    /// <param name="binary">The executable's name in that folder's build/.</param>
    /// <param name="packages">What build/test.sh installs for it, for the message.</param>
    public static string Find(string variable, string folder, string binary, string packages)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return File.Exists(fromEnvironment)
                ? fromEnvironment
                : throw new InvalidOperationException($"{variable} names '{fromEnvironment}', which does not exist. Run build/test.sh, which builds {binary} and sets it.");
        }

        var conventional = Repository.File("tests", folder, "build", binary);
        if (File.Exists(conventional))
        {
            return conventional;
        }

        throw new InvalidOperationException(
            $"{binary} is not built: run build/test.sh (it installs {packages} if needed, builds tests/{folder} and sets {variable}), " +
            $"or build it by hand as tests/{folder}/README.md shows.");
    }
}
