using System.Text;
using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Releases;

/// <summary>How releases and channels are named in files, URLs and blob names.</summary>
public static partial class ReleaseNaming
{
    public const string ManifestJson = "manifest.json";
    public const string ManifestJws = "manifest.jws";
    public const string FactoryFolder = "factory";
    public const string DefaultChannel = "stable";

    /// <summary><c>&lt;project&gt;-&lt;version&gt;-&lt;chip&gt;.bin</c>, with anything a URL or file system could mangle replaced by '_'.</summary>
    public static string FirmwareFileName(string project, string version, string chip) =>
        $"{Safe(project)}-{Safe(version)}-{Safe(chip)}.bin";

    public static string FactoryFileName(string project, string version, string chip) =>
        $"{Safe(project)}-{Safe(version)}-{Safe(chip)}.factory.bin";

    /// <summary>Keeps letters, digits, '.', '-' and '_'; versions like <c>1.2.3+g1a2b</c> become <c>1.2.3_g1a2b</c>.</summary>
    public static string Safe(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            sb.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }

        if (sb.Length == 0 || sb[0] == '.')
        {
            sb.Insert(0, '_');
        }

        return sb.ToString();
    }

    /// <summary>Channel names become file and blob names: lowercase letters, digits, '.', '-', '_'.</summary>
    public static string ValidateChannel(string channel)
    {
        if (!ChannelPattern().IsMatch(channel))
        {
            throw new EspReleaseException(DiagnosticCodes.ChannelNameInvalid,
                $"channel \"{channel}\": expected 1 to 63 lowercase letters, digits, '.', '-' or '_', starting with a letter or digit (e.g. stable, beta, canary).",
                kind: FailureKind.Usage);
        }

        return channel;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex ChannelPattern();
}
