using System.Text;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// Line mutations for sdkconfig, Kconfig and PEM files: lines deleted, repeated, swapped, re-indented,
/// given other endings, other values, invalid UTF-8 or NULs, and lines of the grammar inserted.
/// Works on bytes, so what it was given need not be UTF-8.
/// </summary>
public static class TextMutator
{
    private static readonly string[] _lines =
    [
        "CONFIG_ESP_TLS_INSECURE=y", "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y", "CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP=y",
        "CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK=y", "CONFIG_OTA_ALLOW_HTTP=y", "# CONFIG_ESP_TLS_INSECURE is not set",
        "CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"http://192.168.0.3:8070/x.bin\"", "CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"FROM_STDIN\"",
        "CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"https://[::1\"", "CONFIG_IDF_TARGET=\"../../../x\"", "CONFIG_IDF_TARGET=\"\"",
        "CONFIG_IDF_TARGET=\"esp32/../../sdkconfig\"", "CONFIG_IDF_TARGET=esp32", "CONFIG_=y", "=y", "CONFIG_X", "CONFIG_X=",
        "CONFIG_X=\"", "CONFIG_X=\"\\", "CONFIG_X=\"a\\\"b\"", "CONFIG_X=0x", "CONFIG_X=0xFFFFFFFFFFFFFFFFFFFF",
        "CONFIG_X=99999999999999999999999", "CONFIG_X=-1", "# default:", "# default: CONFIG_X=y",
        "# Deprecated options for backward compatibility", "# End of deprecated options", "#", "",
        "config", "config X", "config EXAMPLE_FIRMWARE_UPGRADE_URL", "menuconfig X", "    string", "    string \"url\"",
        "    bool \"x\" if", "    prompt", "    prompt \"", "    default", "    default \"", "    default \"x\" if Y",
        "    default y if X = \"FROM_STDIN\"", "    range 0 10", "    help", "help", "\thelp", "---help---", "  ",
        "menu \"x\"", "endmenu", "choice", "endchoice", "if X", "endif", "source \"$IDF_PATH/Kconfig\"", "comment \"c\"",
        "mainmenu \"m\"", "-----BEGIN PUBLIC KEY-----", "-----END PUBLIC KEY-----", "-----BEGIN PRIVATE KEY-----",
        "-----BEGIN ENCRYPTED PRIVATE KEY-----", "-----BEGIN EC PRIVATE KEY-----", "-----END PRIVATE KEY-----", "====",
    ];

    private static readonly string[] _values =
    [
        "y", "n", "m", "", "\"\"", "\"", "\"a\\\"b\"", "\"\\\\\"", "\"\\\"", "0x", "0x10000", "0xFFFFFFFFFFFFFFFFFF", "-1",
        "-0", "2147483648", "99999999999999999999999999", "1e400", "\"https://x/y.bin\"", "\"http://x/y.bin\"", "\"FROM_STDIN\"",
        "\"esp32s3\"", "\"../..\"", "y # comment",
    ];

    // Bytes that are not UTF-8 text: a stray continuation, an overlong NUL, an encoded surrogate, a truncated sequence.
    private static readonly byte[][] _invalid = [[0xFF], [0x80], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xC3], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x00]];

    private static readonly byte[][] _prefixes = [[0xEF, 0xBB, 0xBF], [0xFE, 0xFF], [0x00]];

    public static byte[] Mutate(byte[] data, Random rng, int limit)
    {
        var lines = Split(data);
        var i = rng.Next(Math.Max(1, lines.Count));
        if (lines.Count == 0)
        {
            lines.Add(new Line([], "\n"u8.ToArray()));
        }

        switch (rng.Next(10))
        {
            case 0:
                lines.RemoveAt(i);
                break;
            case 1:
                lines.Insert(i, lines[rng.Next(lines.Count)]);
                break;
            case 2:
                var j = rng.Next(lines.Count);
                (lines[i], lines[j]) = (lines[j], lines[i]);
                break;
            case 3:
                lines.Insert(i, new Line(Encoding.UTF8.GetBytes(ByteMutator.Pick(rng, _lines)), lines[i].Ending));
                break;
            case 4:
                lines[i] = lines[i] with { Text = NewValue(lines[i].Text, rng) };
                break;
            case 5:
                // Indentation decides where Kconfig help text ends.
                lines[i] = lines[i] with { Text = Reindent(lines[i].Text, rng) };
                break;
            case 6:
                lines[i] = lines[i] with { Ending = ByteMutator.Pick(rng, [[], "\r\n"u8.ToArray(), "\r"u8.ToArray(), "\n\n"u8.ToArray(), "\u2028"u8.ToArray()]) };
                break;
            case 7:
                var text = lines[i].Text;
                var at = rng.Next(text.Length + 1);
                lines[i] = lines[i] with { Text = [.. text.AsSpan(0, at), .. ByteMutator.Pick(rng, _invalid), .. text.AsSpan(at)] };
                break;
            case 8:
                // A very long line (a pasted blob, a minified file).
                var repeat = lines[i].Text.Length == 0 ? "x"u8.ToArray() : lines[i].Text;
                var count = Math.Min(1 + rng.Next(20_000), (limit - data.Length) / repeat.Length);
                lines[i] = lines[i] with { Text = [.. Enumerable.Repeat(repeat, Math.Max(1, count)).SelectMany(b => b)] };
                break;
            default:
                // A byte order mark (kept by sdkconfig's reader, skipped by others), or a NUL at the start.
                lines[0] = lines[0] with { Text = [.. ByteMutator.Pick(rng, _prefixes), .. lines[0].Text] };
                break;
        }

        return Join(lines);
    }

    private static byte[] NewValue(byte[] line, Random rng)
    {
        var equals = Array.IndexOf(line, (byte)'=');
        var space = Array.IndexOf(line, (byte)' ', Math.Max(0, Array.FindIndex(line, b => b is not (byte)' ' and not (byte)'\t')));
        var cut = equals >= 0 ? equals + 1 : space >= 0 ? space + 1 : line.Length;
        return [.. line.AsSpan(0, cut), .. Encoding.UTF8.GetBytes(ByteMutator.Pick(rng, _values))];
    }

    private static byte[] Reindent(byte[] line, Random rng)
    {
        var start = Array.FindIndex(line, b => b is not (byte)' ' and not (byte)'\t');
        var body = start < 0 ? [] : line.AsSpan(start).ToArray();
        return [.. Encoding.ASCII.GetBytes(ByteMutator.Pick(rng, ["", " ", "    ", "\t", "\t ", "        ", "\t\t"])), .. body];
    }

    private sealed record Line(byte[] Text, byte[] Ending);

    private static List<Line> Split(byte[] data)
    {
        var lines = new List<Line>();
        var start = 0;
        for (var i = 0; i < data.Length; i++)
        {
            if (data[i] == (byte)'\n')
            {
                var crlf = i > start && data[i - 1] == (byte)'\r';
                lines.Add(new Line(data[start..(crlf ? i - 1 : i)], crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray()));
                start = i + 1;
            }
        }

        if (start < data.Length)
        {
            lines.Add(new Line(data[start..], []));
        }

        return lines;
    }

    private static byte[] Join(List<Line> lines) => [.. lines.SelectMany(l => l.Text.Concat(l.Ending))];
}
