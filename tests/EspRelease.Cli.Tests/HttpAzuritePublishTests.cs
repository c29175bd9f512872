using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Azurite as it starts by default, plain HTTP: publishing uploads (a PC may do that), but no device
/// can take the release from an http:// URL. publish must say the release is published, print the
/// device URL, say that a device needs https and how to get it, and exit 2 rather than fail on a TLS
/// handshake with nothing printed.
/// </summary>
public sealed class HttpAzuritePublishTests : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _temp = new();
    private Azurite? _azurite;

    public async Task InitializeAsync() => _azurite = await Azurite.StartAsync(_temp.Combine("azurite"), https: false);

    public async Task DisposeAsync()
    {
        if (_azurite is not null)
        {
            await _azurite.DisposeAsync();
        }
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Publish_says_the_release_is_published_and_that_a_device_needs_https()
    {
        var key = _temp.Combine("key.pem");
        File.WriteAllText(key, Core.Signing.SigningKey.Generate().ExportPkcs8Pem());
        var environment = new Dictionary<string, string?>
        {
            ["AZURE_STORAGE_CONNECTION_STRING"] = _azurite!.ConnectionString,
            ["AZURE_STORAGE_SAS_TOKEN"] = null,
        };
        Assert.StartsWith("http://", _azurite.BlobEndpoint.ToString(), StringComparison.Ordinal);

        var text = await CliRunner.RunProcess(environment, "publish", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--to", $"azure://{Azurite.AccountName}/fleet", "--key", key);
        var json = await CliRunner.RunProcess(environment, "publish", BuildDirectoryBuilder.Create(_temp, "1.1.0"), "--to", $"azure://{Azurite.AccountName}/fleet", "--key", key, "--json");

        Assert.True(text.Exit == 2, text.Out + text.Err);
        Assert.Contains($"device URL: {_azurite.BlobEndpoint}/fleet/channels/stable.jws?<redacted>", text.Out, StringComparison.Ordinal);
        Assert.Contains("the release IS published", text.Err, StringComparison.Ordinal);
        Assert.Contains("error ESPR1925", text.Err, StringComparison.Ordinal);
        Assert.Contains("Azurite with --cert and --key", text.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("TLS handshake failed", text.Err, StringComparison.Ordinal);
        Assert.Equal(2, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("1.1.0", doc.RootElement.GetProperty("version").GetString());
        Assert.True(doc.RootElement.GetProperty("changed").GetBoolean());
        Assert.False(doc.RootElement.GetProperty("deviceCheck").GetProperty("ok").GetBoolean());
        foreach (var output in new[] { text.Out, text.Err, json.Out, json.Err })
        {
            Assert.DoesNotContain("sig=", output, StringComparison.Ordinal);
        }
    }
}
