using System.Text;
using System.Text.RegularExpressions;

namespace EspRelease.Core.Images;

/// <summary>
/// Says what a file that is not an ESP image most likely is. The common case in the field: an HTTP
/// client saved a server's error page (Azure's XML, an HTML 404, a JSON error) as the firmware.
/// </summary>
internal static partial class NonImageSniffer
{
    public static string Describe(ReadOnlySpan<byte> head)
    {
        if (head.IndexOfAnyExcept((byte)0xFF) < 0)
        {
            return "all bytes are 0xFF: erased flash, not an image (a read-back of an empty partition?)";
        }

        if (head.IndexOfAnyExcept((byte)0x00) < 0)
        {
            return "all bytes are 0x00: a zero-filled file, not an image";
        }

        if (!LooksLikeText(head))
        {
            return $"binary data starting 0x{head[0]:x2} (if flash encryption is on, a read-back is ciphertext: use the .bin from the build directory)";
        }

        var text = Encoding.UTF8.GetString(head).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (text.StartsWith('<'))
        {
            var code = AzureCode().Match(text);
            if (code.Success)
            {
                var message = XmlMessage().Match(text);
                var first = message.Success ? $": {FirstLine(message.Groups[1].Value)}" : "";
                return $"an Azure Storage error response (<Code>{code.Groups[1].Value}</Code>{first}): a web server's error response was saved as firmware";
            }

            var title = HtmlTitle().Match(text);
            return title.Success
                ? $"an HTML page titled \"{title.Groups[1].Value.Trim()}\": a web server's error response was saved as firmware"
                : "an XML/HTML document: a web server's response was saved as firmware";
        }

        if (text.StartsWith('{') || text.StartsWith('['))
        {
            return $"a JSON document ({Quote(text)}): a web server's response was saved as firmware";
        }

        return $"text ({Quote(text)}), not a binary image";
    }

    private static bool LooksLikeText(ReadOnlySpan<byte> head)
    {
        var sample = head[..Math.Min(head.Length, 512)];
        var printable = 0;
        foreach (var b in sample)
        {
            if (b is >= 0x20 and < 0x7F or (byte)'\n' or (byte)'\r' or (byte)'\t' or >= 0x80)
            {
                printable++;
            }
        }

        return printable >= sample.Length * 0.95;
    }

    private static string FirstLine(string s) => s.Split('\n')[0].Trim();

    private static string Quote(string text)
    {
        var line = FirstLine(text);
        return line.Length <= 80 ? $"\"{line}\"" : $"\"{line[..77]}...\"";
    }

    [GeneratedRegex(@"<Code>\s*([^<]+?)\s*</Code>", RegexOptions.IgnoreCase)]
    private static partial Regex AzureCode();

    [GeneratedRegex(@"<Message>\s*([^<]+?)\s*</Message>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex XmlMessage();

    [GeneratedRegex(@"<title>([^<]*)</title>", RegexOptions.IgnoreCase)]
    private static partial Regex HtmlTitle();
}
