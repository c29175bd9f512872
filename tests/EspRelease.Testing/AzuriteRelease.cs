using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;

namespace EspRelease.Testing;

/// <summary>A release published to a fresh private container on Azurite, with its device URL (a read-only SAS in the query).</summary>
public static class AzuriteRelease
{
    /// <param name="azurite">The running Azurite.</param>
    /// <param name="temp">Where the build and the packed release go.</param>
    /// <param name="key">The key that signs the release and the channel.</param>
    /// <param name="container">The container's name prefix.</param>
    public static async Task<DeviceUrl> PublishAsync(Azurite azurite, TempDirectory temp, SigningKey key, string container = "probe")
    {
        ArgumentNullException.ThrowIfNull(azurite);
        ArgumentNullException.ThrowIfNull(temp);
        var host = AzureBlobHost.Open($"azure://{Azurite.AccountName}/{container}-{Guid.NewGuid():n}", azurite.Environment);
        var release = ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(temp, "3.0.0"),
            OutputDirectory = temp.Combine("release"),
            Key = key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
        var change = await ReleasePublisher.PublishAsync(host, release, "stable", new ChannelOptions { Key = key, Created = release.Manifest.Created }, null, CancellationToken.None);
        change = await DeviceUrl.AttachAsync(host, change, new DeviceUrlRequest(AzureBlobHost.DefaultReadPolicy, TimeSpan.FromDays(30)), CancellationToken.None);
        return change.DeviceUrl!;
    }
}
