using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>The text reports of the release verbs: what was done, where, and what a device will see.</summary>
internal static class ReleaseTextWriter
{
    public static void WritePack(TextWriter o, PackedRelease r)
    {
        var m = r.Manifest;
        o.WriteLine($"Packed {m.Project} {m.Version} for {m.Chip} ({m.Firmware.Size} bytes, SHA-256 {m.Firmware.Sha256})");
        o.WriteLine($"  release:   {r.Directory}");
        o.WriteLine($"  firmware:  {m.Firmware.Path}");
        o.WriteLine($"  manifest:  {ReleaseNaming.ManifestJson} + {ReleaseNaming.ManifestJws} (ES256, key {r.KeyId})");
        o.WriteLine($"  channel:   {m.Channel}, secure_version {m.SecureVersion}, created {m.Created.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        if (r.Factory is { } f)
        {
            o.WriteLine($"  factory:   {Path.GetRelativePath(r.Directory, f.ImagePath)} ({f.Size} bytes, flash at 0x0) + {Path.GetRelativePath(r.Directory, f.WebManifestPath)} (ESP Web Tools)");
        }
    }

    public static void WriteChange(TextWriter o, ChannelChange c, string verb)
    {
        var m = c.Manifest;
        if (!c.Changed)
        {
            o.WriteLine($"Channel '{c.Channel}' on {c.Host} already points to {m.Project} {m.Version} (sequence {m.Sequence}); nothing to do.");
            return;
        }

        var from = c.Previous is null ? "a new channel" : $"was {c.Previous.Version}";
        o.WriteLine($"{verb} {m.Project} {m.Version} to channel '{c.Channel}' on {c.Host} ({from})");
        o.WriteLine($"  pointer:   {c.PointerPath} (sequence {m.Sequence}, key {c.KeyId})");
        o.WriteLine($"  firmware:  {m.Firmware.Path} ({m.Firmware.Size} bytes, SHA-256 {m.Firmware.Sha256})");
        if (m.Rollout is { } r)
        {
            o.WriteLine($"  rollout:   {r.Percent}% of devices (action {m.Action}, salt {r.Salt}); the others keep polling. Raise it with `esp-release rollout set {c.Channel} PERCENT`.");
        }

        if (c.FilesUploaded > 0)
        {
            o.WriteLine($"  uploaded:  {c.FilesUploaded} file(s)");
        }
    }

    public static void WriteVerified(TextWriter o, VerificationReport r)
    {
        var m = r.Manifest;
        o.WriteLine($"Verified {r.Origin}");
        o.WriteLine($"  signed by: key {r.Key.KeyId} ({r.Key.Origin})");
        o.WriteLine($"  release:   {m.Project} {m.Version} for {m.Chip}, channel {m.Channel}, sequence {m.Sequence}, secure_version {m.SecureVersion}");
        o.WriteLine($"  firmware:  {r.FirmwareOrigin} ({m.Firmware.Size} bytes, SHA-256 {m.Firmware.Sha256}, valid image)");
    }
}
