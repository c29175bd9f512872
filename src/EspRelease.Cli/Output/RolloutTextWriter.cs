using EspRelease.Core.Releases;

namespace EspRelease.Cli.Output;

/// <summary>The text reports of <c>rollout set/halt/status</c>: which release, which share of devices, and who is in.</summary>
internal static class RolloutTextWriter
{
    public static void WriteChange(TextWriter o, ChannelChange c)
    {
        var m = c.Manifest;
        var now = ChannelRollout.PercentOf(m);
        if (!c.Changed)
        {
            o.WriteLine($"Channel '{c.Channel}' on {c.Host} already gives {m.Project} {m.Version} to {Share(now)} (sequence {m.Sequence}); nothing to do.");
            return;
        }

        var before = c.Previous is null ? 100 : ChannelRollout.PercentOf(c.Previous);
        o.WriteLine(m.Action == ChannelActions.Halt
            ? $"Halted {m.Project} {m.Version} on channel '{c.Channel}' on {c.Host} (was {Share(before)}): no more devices install it; those that did keep it"
            : $"Rollout of {m.Project} {m.Version} on channel '{c.Channel}' on {c.Host}: {Share(before)} → {Share(now)}");
        o.WriteLine($"  pointer:   {c.PointerPath} (sequence {m.Sequence}, action {m.Action}, key {c.KeyId})");
        o.WriteLine($"  salt:      {m.Rollout?.Salt}");
    }

    public static void WriteStatus(TextWriter o, RolloutStatus s)
    {
        var m = s.Manifest;
        o.WriteLine($"Channel '{m.Channel}' on {s.Host}: {m.Project} {m.Version} for {m.Chip}, sequence {m.Sequence} (action {m.Action})");
        o.WriteLine(m.Rollout is { } r
            ? $"  rollout:   {Share(r.Percent)}, salt {r.Salt}"
            : "  rollout:   none: every device (100%)");
        foreach (var (id, bucket, inCohort) in s.Devices)
        {
            var why = bucket is { } b ? $"bucket {b}, " : "";
            o.WriteLine(inCohort
                ? $"  device {id}: {why}in: takes {m.Version}"
                : $"  device {id}: {why}not in: installs nothing and keeps polling (in once the percent is above {bucket})");
        }
    }

    private static string Share(int percent) => percent switch
    {
        0 => "0% (halted)",
        100 => "100% of devices",
        _ => $"{percent}% of devices",
    };
}
