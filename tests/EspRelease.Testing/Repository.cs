namespace EspRelease.Testing;

/// <summary>Files of the repository itself (docs, schemas), found from the test binaries upwards.</summary>
public static class Repository
{
    public static string Root { get; } = Find();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "EspRelease.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EspRelease.sln not found above the test binaries.");
    }
}
