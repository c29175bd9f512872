using System.Globalization;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>
/// The layout every host shares. Releases are immutable, one folder per version; a channel is a
/// signed pointer (a full manifest) at the same depth as its history entries, so the firmware path
/// inside, relative to the pointer, is right for both:
/// <code>
/// releases/&lt;project&gt;/&lt;version&gt;/&lt;project&gt;-&lt;version&gt;-&lt;chip&gt;.bin, manifest.json, manifest.jws, factory/…
/// channels/&lt;channel&gt;.jws                  what devices fetch
/// history/&lt;channel&gt;.&lt;sequence&gt;.jws     every pointer the channel had, for rollback and audit
/// </code>
/// </summary>
public static class HostLayout
{
    public static string ReleaseFolder(string project, string version) =>
        $"releases/{ReleaseNaming.Safe(project)}/{ReleaseNaming.Safe(version)}";

    public static string ChannelPointer(string channel) => $"channels/{channel}.jws";

    public static string HistoryPrefix(string channel) => $"history/{channel}.";

    public static string HistoryEntry(string channel, long sequence) =>
        $"{HistoryPrefix(channel)}{sequence.ToString("D8", CultureInfo.InvariantCulture)}.jws";

    /// <summary>The firmware path as written in a pointer or history entry (both one folder below the root).</summary>
    public static string FirmwareFromPointer(string releaseFolder, string firmwareFile) => $"../{releaseFolder}/{firmwareFile}";

    /// <summary>Resolves a manifest's relative path against the folder of the object that holds it.</summary>
    public static string Resolve(string holderPath, string relative)
    {
        var parts = holderPath.Split('/').SkipLast(1).ToList();
        foreach (var segment in relative.Split('/'))
        {
            switch (segment)
            {
                case "" or ".":
                    break;
                case "..":
                    if (parts.Count == 0)
                    {
                        throw new ArgumentException($"\"{relative}\" climbs above the host root", nameof(relative));
                    }

                    parts.RemoveAt(parts.Count - 1);
                    break;
                default:
                    parts.Add(segment);
                    break;
            }
        }

        return string.Join('/', parts);
    }

    /// <summary>The sequence number in a history entry's path, or null for other paths.</summary>
    public static long? SequenceOf(string channel, string path)
    {
        var prefix = HistoryPrefix(channel);
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.EndsWith(".jws", StringComparison.Ordinal))
        {
            return null;
        }

        var middle = path.AsSpan(prefix.Length, path.Length - prefix.Length - 4);
        return long.TryParse(middle, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }
}
