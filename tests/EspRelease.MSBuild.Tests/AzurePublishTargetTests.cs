using System.Text.RegularExpressions;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// `dotnet build -t:EspReleasePublish` to an azure:// host (Azurite over HTTPS on loopback), through
/// the packed nupkg: credentials only in the environment, the device URL back as a property with its
/// SAS redacted, the device-side check run with the CA the firmware embeds, and no secret in the
/// diagnostic log or the binlog.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class AzurePublishTargetTests(PackageFeed feed, AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly string _container = $"msbuild-{Guid.NewGuid():n}";

    [Fact]
    public async Task Publish_to_Azure_returns_the_redacted_device_URL_and_logs_no_credential()
    {
        var app = CreateRepository();
        var binlog = _temp.Combine("publish.binlog");
        var environment = PackageFeed.UserEnvironment(_temp.Path);
        environment["AZURE_STORAGE_CONNECTION_STRING"] = azurite.Azurite.ConnectionString;
        environment["ESP_RELEASE_AZURE_CA"] = azurite.Azurite.CaPemFile;
        environment[SigningKey.EnvironmentVariable] = _key.ExportPkcs8Pem();

        var (exit, output) = DotnetCli.Run(app, environment, "build", "-t:EspReleasePublish", "-nologo", "-nodeReuse:false", "-v:diag", $"-bl:{binlog}");

        Assert.True(exit == 0, output);
        var published = PublishedLine().Match(output);
        Assert.True(published.Success, output);
        var deviceUrl = published.Groups["url"].Value;
        Assert.Equal($"{azurite.Azurite.BlobEndpoint}/{_container}/channels/stable.jws?<redacted>", deviceUrl);
        // The device-side check ran with the firmware's CA (found through EspReleaseProjectDir) and passed.
        Assert.Contains("as the device does:", output, StringComparison.Ordinal);
        Assert.Contains("The device would download and accept this release.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ESPR2670", output, StringComparison.Ordinal);
        Assert.DoesNotContain("IS published, but a device would fail", output, StringComparison.Ordinal);

        // What the pointer says is what was built and signed.
        var host = AzureBlobHost.Open($"azure://{Azurite.AccountName}/{_container}", azurite.Azurite.Environment);
        var report = await ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None);
        Assert.Equal("1.0.0", report.Manifest.Version);

        // The account key, the SAS signature and the signing key appear nowhere the build recorded.
        Assert.True(Binlog.Contains(binlog, "?<redacted>"));
        var secrets = Binlog.SecretLines(_key)
            .Append(Azurite.AccountKey)
            .Append("sig=");
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.False(Binlog.Contains(binlog, secret), $"the binlog holds a secret ({secret[..4]}…)");
        }
    }

    public void Dispose() => _temp.Dispose();

    // A .NET project in app/ and the ESP-IDF project in firmware/, whose embedded CA is the one
    // Azurite's certificate comes from, and whose build/ holds version 1.0.0.
    private string CreateRepository()
    {
        feed.Isolate(_temp.Path);
        var firmware = _temp.Combine("firmware");
        Directory.CreateDirectory(Path.Combine(firmware, "main"));
        Directory.CreateDirectory(Path.Combine(firmware, "server_certs"));
        File.WriteAllText(Path.Combine(firmware, "main", "CMakeLists.txt"),
            "idf_component_register(SRCS \"main.c\" EMBED_TXTFILES ${project_dir}/server_certs/ca_cert.pem)\n");
        File.Copy(azurite.Azurite.CaPemFile, Path.Combine(firmware, "server_certs", "ca_cert.pem"));
        Directory.Move(BuildDirectoryBuilder.Create(_temp, "1.0.0"), Path.Combine(firmware, "build"));

        var app = _temp.Combine("app");
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EspReleaseProjectDir>../firmware</EspReleaseProjectDir>
                <EspReleaseHost>azure://{Azurite.AccountName}/{_container}</EspReleaseHost>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageFeed.PackageId}" Version="{feed.Version}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        return app;
    }

    [GeneratedRegex(@"EspRelease: published \S+ 1\.0\.0 to channel 'stable' \(sequence 1, channels/stable\.jws, device URL (?<url>\S+)\)")]
    private static partial Regex PublishedLine();
}
