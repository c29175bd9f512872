using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>The lines of one failure in one attempt (a handshake's three lines and the connection error that follows them), while they are read.</summary>
internal sealed class LogEpisode(DeviceLogRule rule, string cause, DeviceLogLine first, int pattern)
{
    private readonly HashSet<(DeviceLogRule, int)> _seen = [(rule, pattern)];

    public DeviceLogRule Rule { get; private set; } = rule;

    public string Cause { get; private set; } = cause;

    public bool Refined { get; private set; } = rule.Role == RuleRole.Refines;

    public List<DeviceLogLine> Lines { get; } = [first];

    public long? LastMillis { get; private set; } = first.Millis;

    public string Family => Rule.FamilyOrCode;

    public Severity Severity => Rule.Severity;

    /// <summary>True when the line belongs to this attempt: the same pattern again is the next attempt.</summary>
    public bool Takes(DeviceLogRule rule, int pattern) =>
        !_seen.Contains((rule, pattern)) && rule.Role switch
        {
            RuleRole.Follows => true,
            RuleRole.Refines => rule.FamilyOrCode == Family && (!Refined || Rule == rule),
            _ => rule.FamilyOrCode == Family,
        };

    public void Add(DeviceLogRule rule, string cause, DeviceLogLine line, int pattern)
    {
        _seen.Add((rule, pattern));
        Lines.Add(line);
        LastMillis = line.Millis ?? LastMillis;
        if (rule.Role == RuleRole.Refines && !Refined)
        {
            // The precise line names the cause the general one only hinted at (-0x2700, then NOT_TRUSTED).
            Rule = rule;
            Cause = cause;
            Refined = true;
        }
    }
}
