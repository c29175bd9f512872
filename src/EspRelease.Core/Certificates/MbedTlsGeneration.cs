using System.Globalization;
using System.Text.RegularExpressions;

namespace EspRelease.Core.Certificates;

/// <summary>Which mbedtls rules a firmware lives by; they differ for IP-address hosts.</summary>
public enum MbedTlsGeneration
{
    /// <summary>mbedtls 2.x (ESP-IDF up to 4.4): IP hosts match only a dNSName SAN or the CN holding the IP's text.</summary>
    V2,

    /// <summary>mbedtls 3.0–3.4 (ESP-IDF 5.0–5.0.4, 5.1–5.1.1): as V2.</summary>
    V3Before35,

    /// <summary>mbedtls 3.5+ and 4.x (ESP-IDF 5.0.5+, 5.1.2+, 5.2 and later): iPAddress SANs match too.</summary>
    V35Plus,
}

/// <summary>Maps an ESP-IDF version (the descriptor's idf_ver, or --idf-version) to its mbedtls generation.</summary>
public static partial class MbedTlsGenerations
{
    /// <summary>The generation for "v5.1.2", "5.0", "v5.0-beta1-427-g4532e6e0b2-dirty"…; null when the text is not a version.</summary>
    public static MbedTlsGeneration? FromIdfVersion(string? idfVersion)
    {
        var m = idfVersion is null ? Match.Empty : IdfVersion().Match(idfVersion);
        if (!m.Success)
        {
            return null;
        }

        var major = int.Parse(m.Groups["major"].Value, CultureInfo.InvariantCulture);
        var minor = m.Groups["minor"].Success ? int.Parse(m.Groups["minor"].Value, CultureInfo.InvariantCulture) : 0;
        var patch = m.Groups["patch"].Success ? int.Parse(m.Groups["patch"].Value, CultureInfo.InvariantCulture) : 0;
        return (major, minor, patch) switch
        {
            ( < 5, _, _) => MbedTlsGeneration.V2,
            (5, 0, < 5) or (5, 1, < 2) => MbedTlsGeneration.V3Before35,
            _ => MbedTlsGeneration.V35Plus,
        };
    }

    public static string Describe(MbedTlsGeneration generation) => generation switch
    {
        MbedTlsGeneration.V2 => "mbedtls 2.x (ESP-IDF ≤ 4.4)",
        MbedTlsGeneration.V3Before35 => "mbedtls 3.0–3.4 (ESP-IDF 5.0–5.0.4, 5.1–5.1.1)",
        _ => "mbedtls 3.5+ (ESP-IDF 5.0.5+, 5.1.2+, 5.2+)",
    };

    [GeneratedRegex(@"^v?(?<major>\d+)(?:\.(?<minor>\d+))?(?:\.(?<patch>\d+))?", RegexOptions.CultureInvariant)]
    private static partial Regex IdfVersion();
}
