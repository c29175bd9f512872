using System.Globalization;
using System.Text.RegularExpressions;

namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>
/// Reads a serial log as <c>idf.py monitor</c> prints it, one line at a time, so a log piped in
/// while the device still runs is diagnosed as it grows: colour codes and carriage returns are
/// dropped, monitor's own timestamps and status lines removed, and two log lines that tasks printed
/// into one line (no lock between them) split apart again.
/// </summary>
public static partial class DeviceLogReader
{
    /// <summary>The lines of <paramref name="reader"/>, lazily: nothing is read ahead of the caller.</summary>
    public static IEnumerable<DeviceLogLine> Read(TextReader reader)
    {
        var number = 0;
        while (reader.ReadLine() is { } raw)
        {
            number++;
            foreach (var line in Normalise(raw, number))
            {
                yield return line;
            }
        }
    }

    /// <summary>One physical line, cleaned and split into the log lines it holds (none for noise).</summary>
    public static IEnumerable<DeviceLogLine> Normalise(string raw, int number)
    {
        var text = Ansi().Replace(raw, "").Replace("\r", "", StringComparison.Ordinal).Replace("\0", "", StringComparison.Ordinal);
        text = MonitorTimestamp().Replace(text, "").TrimEnd();
        // idf.py monitor's own messages ("--- idf_monitor on /dev/ttyUSB0 115200 ---"), not the device's.
        if (text.Length == 0 || text.StartsWith("--- ", StringComparison.Ordinal))
        {
            yield break;
        }

        // A second "X (1234) tag:" inside the line: another task printed before this one's newline.
        var starts = Header().Matches(text).Select(m => m.Index).Where(i => i > 0).ToList();
        var from = 0;
        foreach (var start in starts.Append(text.Length))
        {
            var part = text[from..start].TrimEnd();
            if (part.Length > 0)
            {
                yield return Parse(part, number);
            }

            from = start;
        }
    }

    private static DeviceLogLine Parse(string text, int number)
    {
        var m = Header().Match(text);
        if (!m.Success || m.Index != 0)
        {
            return new DeviceLogLine(number, text, null, null, null, text.Trim());
        }

        long? millis = long.TryParse(m.Groups["time"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) ? ms : null;
        return new DeviceLogLine(number, text, m.Groups["level"].Value[0], millis, m.Groups["tag"].Value, text[m.Length..].Trim());
    }

    // ESP_LOG's format: level, (milliseconds since boot, or system time with CONFIG_LOG_TIMESTAMP_SOURCE_SYSTEM), tag, colon.
    [GeneratedRegex(@"(?<level>[EWIDV]) \((?<time>\d+|\d{1,2}:\d{2}:\d{2}\.\d+)\) (?<tag>[\w.\-/]+(?: [\w.\-/]+)?):")]
    private static partial Regex Header();

    [GeneratedRegex(@"\x1B(?:\[[0-9;?]*[ -/]*[@-~]|[@-Z\\-_])")]
    private static partial Regex Ansi();

    // idf.py monitor --timestamps: "2024-05-01 12:00:00.123 " before each line.
    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\s+")]
    private static partial Regex MonitorTimestamp();
}
