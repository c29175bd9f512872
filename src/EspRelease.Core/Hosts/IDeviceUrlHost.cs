namespace EspRelease.Core.Hosts;

/// <summary>
/// A host devices fetch from by URL (Azure Blob, S3), so publish can print the URL to put in
/// sdkconfig and probe it as a device would. A folder cannot know its web server's URL: it is not one.
/// </summary>
public interface IDeviceUrlHost : IReleaseHost
{
    /// <summary>
    /// The URLs devices use for <paramref name="pointerPath"/> and <paramref name="firmwarePath"/>,
    /// signed (read-only, lasting at least <see cref="DeviceUrlRequest.Validity"/>) unless the host
    /// is public. Built through <see cref="DeviceUrl.Checked"/> so a too-long request line warns.
    /// </summary>
    /// <param name="pointerPath">The channel pointer (host path).</param>
    /// <param name="firmwarePath">The firmware the pointer names (host path).</param>
    /// <param name="request">What the command asked for (policy, validity).</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    Task<DeviceUrl> GetDeviceUrlAsync(string pointerPath, string firmwarePath, DeviceUrlRequest request, CancellationToken cancellationToken);
}
