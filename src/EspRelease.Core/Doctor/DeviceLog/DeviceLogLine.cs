namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>
/// One line of a device's serial log, cleaned of what the terminal added (colour codes, carriage
/// returns, idf.py monitor's own timestamps) and split into ESP-IDF's log format
/// (<c>E (5176) esp-tls: message</c>) where it has that form.
/// </summary>
/// <param name="Number">The 1-based line of the input it came from.</param>
/// <param name="Text">The line as the device printed it (no colour codes).</param>
/// <param name="Level">E, W, I, D or V; null for a line printed without ESP_LOG (ROM, printf, a continuation).</param>
/// <param name="Millis">The device's milliseconds since boot, when the line has them.</param>
/// <param name="Tag">The ESP_LOG tag (<c>esp-tls</c>, <c>HTTP_CLIENT</c>…), when the line has one.</param>
/// <param name="Message">What follows the tag, or the whole line without one.</param>
public sealed record DeviceLogLine(int Number, string Text, char? Level, long? Millis, string? Tag, string Message)
{
    /// <summary>The line without its timestamp: two repetitions of the same line compare equal.</summary>
    public string WithoutTime => Tag is null ? Message : $"{Level} {Tag}: {Message}";
}
