using System.Text.RegularExpressions;

namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>
/// Reads a device's serial log line by line and explains its OTA failures with <see cref="DeviceLogRules"/>:
/// the lines of one failed attempt make one cause, the same cause met on every retry is one finding
/// with its count, different causes are different findings in the order the device met them, and a
/// line that looks like a failure but that no rule explains is reported as such, never guessed at.
/// </summary>
public sealed partial class DeviceLogDoctor(string? file = null)
{
    /// <summary>The most distinct lines a finding quotes, and the most unexplained lines reported.</summary>
    public const int MaxLines = 8;

    public const int MaxUnexplained = 50;

    // Lines of one attempt come within milliseconds of each other; a retry waits seconds.
    private const long AttemptGapMillis = 3000;

    private static readonly HashSet<string> _noiseTags = new(StringComparer.Ordinal) { "wifi", "phy_init", "pp", "net80211", "wifi_init", "esp_netif_handlers", "esp_netif_lwip" };

    private readonly List<(DoctorFinding Finding, HashSet<string> Distinct)> _findings = [];
    private readonly List<string> _unexplained = [];
    private readonly HashSet<string> _unexplainedSeen = new(StringComparer.Ordinal);
    private LogEpisode? _episode;

    /// <summary>Diagnoses a whole log, reading it as it arrives (a pipe from <c>idf.py monitor</c> is read until it ends).</summary>
    public static DoctorReport Diagnose(TextReader log, string? file = null)
    {
        var doctor = new DeviceLogDoctor(file);
        foreach (var line in DeviceLogReader.Read(log))
        {
            doctor.Add(line);
        }

        return doctor.Report();
    }

    public void Add(DeviceLogLine line)
    {
        if (_episode is not null && EndsAttempt(_episode, line))
        {
            Close();
        }

        if (DeviceLogRules.Find(line) is not { } found)
        {
            NoteIfUnexplained(line);
            return;
        }

        var (rule, match, pattern) = found;
        var cause = rule.CauseOf(match);
        if (_episode is not null && _episode.Takes(rule, pattern))
        {
            _episode.Add(rule, cause, line, pattern);
            return;
        }

        Close();
        _episode = new LogEpisode(rule, cause, line, pattern);
    }

    /// <summary>What was found so far (the attempt still open counts).</summary>
    public DoctorReport Report()
    {
        Close();
        var report = new DoctorReport();
        report.Findings.AddRange(_findings.Select(f => f.Finding));
        report.Unexplained.AddRange(_unexplained);
        return report;
    }

    private static bool EndsAttempt(LogEpisode episode, DeviceLogLine line) =>
        (line.Millis is { } now && episode.LastMillis is { } last && (now < last || now - last > AttemptGapMillis))
        || AttemptStart().IsMatch(line.Text);

    private void Close()
    {
        if (_episode is not { } episode)
        {
            return;
        }

        _episode = null;
        var index = _findings.FindIndex(f => f.Finding.Code == episode.Rule.Code && f.Finding.Cause == episode.Cause);
        if (index < 0)
        {
            var finding = new DoctorFinding
            {
                Code = episode.Rule.Code,
                Severity = episode.Severity,
                Cause = episode.Cause,
                Fix = episode.Rule.Fix,
                File = file,
                Line = episode.Lines[0].Number,
                Count = 0,
            };
            _findings.Add((finding, new HashSet<string>(StringComparer.Ordinal)));
            index = _findings.Count - 1;
        }

        var (existing, distinct) = _findings[index];
        var lines = existing.Lines.ToList();
        foreach (var line in episode.Lines)
        {
            // Each retry prints the same lines with other timestamps: quote each once.
            if (lines.Count < MaxLines && distinct.Add(line.WithoutTime))
            {
                lines.Add(line.Text);
            }
        }

        _findings[index] = (existing with { Count = existing.Count + 1, Lines = lines }, distinct);
    }

    private void NoteIfUnexplained(DeviceLogLine line)
    {
        if (line.Tag is not { } tag || _noiseTags.Contains(tag))
        {
            return;
        }

        var failure = line.Level == 'E'
            || (DeviceLogRules.OtaPathTags.Contains(tag) && (line.Level == 'W' || FailureWords().IsMatch(line.Message)));
        if (failure && _unexplained.Count < MaxUnexplained && _unexplainedSeen.Add(line.WithoutTime))
        {
            _unexplained.Add(line.Text);
        }
    }

    // A reset (ROM banner, bootloader banner) or the start of a download: what follows is another attempt.
    [GeneratedRegex(@"^(?:rst:0x|ets [A-Z][a-z]{2} |ESP-ROM:)|\bboot: ESP-IDF |esp_https_ota: Starting OTA|Starting OTA example|Attempting to download update from")]
    private static partial Regex AttemptStart();

    [GeneratedRegex(@"fail|error|invalid|abort|time(?:d )?out|refused|not found|mismatch|corrupt|unable|couldn't|cannot|denied", RegexOptions.IgnoreCase)]
    private static partial Regex FailureWords();
}
