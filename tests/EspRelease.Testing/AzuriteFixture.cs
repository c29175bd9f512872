namespace EspRelease.Testing;

/// <summary>One Azurite (HTTPS, a CA made for the run) shared by a test collection; each test takes its own container.</summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "esp-release-tests", Guid.NewGuid().ToString("n"));

    public Azurite Azurite { get; private set; } = null!;

    public async Task InitializeAsync() => Azurite = await Azurite.StartAsync(_directory);

    public async Task DisposeAsync()
    {
        await Azurite.DisposeAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
