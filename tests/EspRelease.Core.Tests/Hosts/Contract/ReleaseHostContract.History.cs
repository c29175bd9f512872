using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>History across publish, promote and rollback; listing channels and releases; the device URL.</summary>
public abstract partial class ReleaseHostContract
{
    /// <summary>Whether the host is an <see cref="IDeviceUrlHost"/>: stated, so a host that loses the interface fails.</summary>
    protected virtual bool HasDeviceUrls => false;

    [Fact]
    public async Task History_is_kept_across_publish_promote_and_rollback()
    {
        await Publish(Packed("1.0.0"));
        await Publish(Packed("1.1.0"), channel: "beta");
        await Publish(Packed("1.2.0"), channel: "beta");

        var promoted = await ChannelMover.PromoteAsync(Host, "beta", "stable", "1.2.0", Options(), None);
        Assert.Equal(("1.2.0", 2L, "promote"), (promoted.Manifest.Version, promoted.Manifest.Sequence, promoted.Manifest.Action));
        var rolledBack = await ChannelMover.RollbackAsync(Host, "stable", Options(), None);
        Assert.Equal(("1.0.0", 3L, "rollback"), (rolledBack.Manifest.Version, rolledBack.Manifest.Sequence, rolledBack.Manifest.Action));

        var stable = await AssertConsistentAsync();
        Assert.Equal(["1.0.0", "1.2.0", "1.0.0"], stable.History.Select(h => h.Manifest.Version));
        Assert.Equal(["history/stable.00000001.jws", "history/stable.00000002.jws", "history/stable.00000003.jws"], await Host.ListAsync(HostLayout.HistoryPrefix("stable"), None));
        Assert.Equal("1.2.0", (await AssertConsistentAsync("beta")).Current!.Manifest.Version);
        var none = await Assert.ThrowsAsync<EspReleaseException>(() => ChannelMover.RollbackAsync(Host, "stable", Options(), None));
        Assert.Equal(DiagnosticCodes.NothingToRollBackTo, none.Diagnostic.Code);
    }

    [Fact]
    public async Task Channels_and_releases_are_listed_after_a_few_publishes()
    {
        await Publish(Packed("1.0.0"), channel: "beta");
        await Publish(Packed("1.1.0"), channel: "beta2");
        Assert.Equal(0, (await Publish(Packed("1.1.0"), channel: "stable")).FilesUploaded); // the same bytes: all there

        Assert.Equal(["channels/beta.jws", "channels/beta2.jws", "channels/stable.jws"], await Host.ListAsync("channels/", None));
        var releases = await Host.ListAsync("releases/blink/", None);
        Assert.Equal(["1.0.0", "1.1.0"], releases.Select(p => p.Split('/')[2]).Distinct());
        Assert.Contains("releases/blink/1.1.0/manifest.jws", releases);
        Assert.Contains("releases/blink/1.1.0/blink-1.1.0-esp32s2.bin", releases);
        Assert.Equal(["history/beta.00000001.jws"], await Host.ListAsync(HostLayout.HistoryPrefix("beta"), None));
    }

    [Fact]
    public async Task The_device_URL_serves_exactly_the_pointer_and_the_firmware_over_loopback()
    {
        Assert.Equal(HasDeviceUrls, Host is IDeviceUrlHost);
        if (!HasDeviceUrls)
        {
            return; // A folder has no URL of its own: its web server's is the user's to give.
        }

        var change = await DeviceUrl.AttachAsync(Host, await Publish(Packed("1.0.0", appBytes: 64 * 1024)), new DeviceUrlRequest("esp-release-read", TimeSpan.FromDays(1)), None);
        var url = change.DeviceUrl!;
        Assert.NotEqual(DeviceUrlKind.Private, url.Kind);
        Assert.True(url.ChannelUrl.IsLoopback && url.FirmwareUrl.IsLoopback, url.Redacted);

        using var http = CreateHttpClient();
        var pointer = (await Host.ReadAsync(change.PointerPath, None))!.Content;
        Assert.Equal(pointer, await http.GetByteArrayAsync(url.ChannelUrl));
        await using var stored = (await Host.OpenReadAsync(HostLayout.Resolve(change.PointerPath, change.Manifest.Firmware.Path), None))!;
        using var firmware = new MemoryStream();
        await stored.CopyToAsync(firmware);
        Assert.Equal(firmware.ToArray(), await http.GetByteArrayAsync(url.FirmwareUrl));
        Assert.Equal(change.Manifest.Firmware.Size, firmware.Length);
    }
}
