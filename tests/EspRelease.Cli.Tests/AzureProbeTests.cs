using System.Text.Json;
using EspRelease.Core.Hosts;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// probe against Azurite: a release published to a private container passes through its SAS URL,
/// and failure 4 of the story (the SAS sent as an Authorization header) is replayed and explained.
/// </summary>
[Collection(CliAzuriteTestGroup.Name)]
public sealed class AzureProbeTests(AzuriteFixture fixture) : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    public void Dispose() => _temp.Dispose();

    private async Task<(DeviceUrl Url, string PublicKey)> PublishAsync()
    {
        var url = await AzuriteRelease.PublishAsync(fixture.Azurite, _temp, _key);
        var publicKey = _temp.Combine("key.pub.pem");
        File.WriteAllText(publicKey, _key.PublicKey.ExportPem());
        return (url, publicKey);
    }

    [Fact]
    public async Task The_SAS_device_URL_passes_every_check_the_device_makes()
    {
        var (url, publicKey) = await PublishAsync();

        var (exit, stdout, stderr) = await CliRunner.Run("probe", url.ChannelUrl.AbsoluteUri, "--ca", fixture.Azurite.CaPemFile, "--key", publicKey, "--json");

        Assert.True(exit == 0, stdout + stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Contains(doc.RootElement.GetProperty("checks").EnumerateArray(), c => c.GetProperty("name").GetString() == "Range" && c.GetProperty("passed").GetBoolean());
        Assert.DoesNotContain(url.ChannelUrl.Query.Split("sig=")[1].Split('&')[0], stdout + stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Failure_4_a_SAS_sent_as_an_Authorization_header_gets_403_and_probe_says_to_move_it_into_the_URL()
    {
        var (url, _) = await PublishAsync();
        var sas = url.FirmwareUrl.Query.TrimStart('?');
        var withoutSas = url.FirmwareUrl.GetLeftPart(UriPartial.Path);

        var (exit, stdout, stderr) = await CliRunner.Run("probe", withoutSas, "--ca", fixture.Azurite.CaPemFile, "--header", $"Authorization: SharedAccessSignature {sas}");

        Assert.Equal(2, exit);
        Assert.Contains("device: E (esp_https_ota): File not found(403)", stdout, StringComparison.Ordinal);
        Assert.Contains("ESPR1677", stderr, StringComparison.Ordinal);
        Assert.Contains("Blob Storage reads a SAS only from the URL's query string", stderr, StringComparison.Ordinal);
        Assert.Contains("an Azure Storage error response", stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(sas.Split("sig=")[1].Split('&')[0], stdout + stderr, StringComparison.Ordinal);
    }
}
