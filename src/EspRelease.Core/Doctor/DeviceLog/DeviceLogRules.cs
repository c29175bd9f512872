using System.Text;

namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>
/// The doctor's one table of what a device prints on the OTA path and why: each rule's patterns come
/// from ESP-IDF's own format strings. Read in order, the first rule that matches a line wins, so the
/// precise rules stand before the general ones of their area. The README's table is written from it.
/// </summary>
public static partial class DeviceLogRules
{
    /// <summary>ESP_LOG tags of the OTA path: their warnings and failure-sounding lines are reported when no rule explains them.</summary>
    public static IReadOnlySet<string> OtaPathTags { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "esp_https_ota", "esp-tls", "esp-tls-mbedtls", "esp-x509-crt-bundle", "HTTP_CLIENT", "transport_base", "transport_ws",
        "esp_ota_ops", "esp_image", "boot", "boot_comm", "secure_boot_v2", "secure_boot", "flash_encrypt",
    };

    /// <summary>Every rule, in the order they are tried.</summary>
    public static IReadOnlyList<DeviceLogRule> All { get; } = [.. TlsRules(), .. NetworkRules(), .. HttpRules(), .. ImageRules()];

    /// <summary>The first rule that explains <paramref name="line"/>, and its match.</summary>
    public static (DeviceLogRule Rule, System.Text.RegularExpressions.Match Match, int Pattern)? Find(DeviceLogLine line)
    {
        foreach (var rule in All)
        {
            if (rule.Match(line.Text, out var pattern) is { } match)
            {
                return (rule, match, pattern);
            }
        }

        return null;
    }

    /// <summary>The README's "When the device says…" table: one row per rule, in table order.</summary>
    internal static string MarkdownTable()
    {
        var md = new StringBuilder();
        md.Append("| The device says | Cause | Code | Fix |\n| --- | --- | --- | --- |\n");
        foreach (var rule in All)
        {
            md.Append("| `").Append(Cell(rule.Example).Replace("`", "'", StringComparison.Ordinal)).Append("` | **")
                .Append(Cell(rule.Title)).Append(".** ").Append(Cell(rule.CauseText)).Append(" | ")
                .Append(rule.Code).Append(rule.Severity == Diagnostics.Severity.Warning ? " (warning)" : "").Append(" | ")
                .Append(Cell(rule.Fix)).Append(" |\n");
        }

        return md.ToString();
    }

    private static string Cell(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
