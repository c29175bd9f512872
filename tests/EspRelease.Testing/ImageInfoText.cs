using System.Globalization;
using System.Text.RegularExpressions;

namespace EspRelease.Testing;

/// <summary>
/// The values in an <c>esptool.py image_info --version 2</c> text dump, so tests can compare
/// field by field. C strings are cut at the first NUL (esptool v4.8.1 prints the padding).
/// </summary>
public sealed partial class ImageInfoText
{
    private readonly Dictionary<string, string> _fields = [];

    public List<(int Index, uint Length, uint LoadAddress, uint FileOffset, string[] MemoryTypes)> Segments { get; } = [];

    public string this[string key] => _fields[key];

    public bool Has(string key) => _fields.ContainsKey(key);

    public static ImageInfoText Load(string path)
    {
        var info = new ImageInfoText();
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Split('\0')[0] + (raw.Contains('\0') ? RestAfterNuls(raw) : "");
            var segment = SegmentRow().Match(line);
            if (segment.Success)
            {
                info.Segments.Add((
                    int.Parse(segment.Groups[1].Value, CultureInfo.InvariantCulture),
                    Hex(segment.Groups[2].Value), Hex(segment.Groups[3].Value), Hex(segment.Groups[4].Value),
                    segment.Groups[5].Value.Split(", ", StringSplitOptions.RemoveEmptyEntries)));
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                info._fields.TryAdd(line[..colon].Trim(), line[(colon + 2)..].Trim());
            }
        }

        return info;
    }

    // "Compile time: Sep 13 2022\0\0\0\0\0 19:46:07\0\0…" is two C fields printed back to back.
    private static string RestAfterNuls(string raw)
    {
        var parts = raw.Split('\0', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length > 1 ? " " + string.Join(" ", parts[1..].Select(p => p.Trim())).Trim() : "";
    }

    public static uint Hex(string text) => uint.Parse(text.AsSpan(text.StartsWith("0x", StringComparison.Ordinal) ? 2 : 0), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^\s+(\d+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(.*)$")]
    private static partial Regex SegmentRow();
}
