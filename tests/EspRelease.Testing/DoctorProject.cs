using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspRelease.Core.Doctor;
using EspRelease.Core.Network;

namespace EspRelease.Testing;

/// <summary>
/// An ESP-IDF project as the OTA example leaves it: the fixture's simple_ota_example (its
/// main/CMakeLists.txt embeds server_certs/ca_cert.pem), with the given CA in that file, an sdkconfig
/// whose firmware URL is the test server's, and a main/simple_ota_example.c.
/// </summary>
public static class DoctorProject
{
    public const string PlainSource = """
        #include "esp_https_ota.h"
        extern const uint8_t server_cert_pem_start[] asm("_binary_ca_cert_pem_start");

        void simple_ota_example_task(void *pvParameter)
        {
            esp_http_client_config_t config = {
                .url = CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL,
                .cert_pem = (char *)server_cert_pem_start,
                .keep_alive_enable = true,
            };
            esp_https_ota_config_t ota_config = { .http_config = &config };
            esp_https_ota(&ota_config);
        }
        """;

    /// <summary>The limit for every network step in these tests: loopback answers at once or never.</summary>
    public static DeviceTimeouts Timeouts { get; } = DeviceTimeouts.Each(TimeSpan.FromSeconds(5));

    /// <param name="temp">Where to put it.</param>
    /// <param name="ca">The CA the project embeds.</param>
    /// <param name="url">The firmware URL written into sdkconfig (CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL).</param>
    /// <param name="sdkconfigLines">More sdkconfig lines (CONFIG_…=…).</param>
    /// <param name="source">main/simple_ota_example.c.</param>
    public static string Create(TempDirectory temp, X509Certificate2 ca, string url, IEnumerable<string>? sdkconfigLines = null, string source = PlainSource)
    {
        var dir = temp.CopyTree(Path.Combine(Fixtures.IdfProjects, "simple_ota_example"), $"project-{Guid.NewGuid():n}");
        File.WriteAllText(Path.Combine(dir, "server_certs", "ca_cert.pem"), TestPki.ToPem(ca));
        var lines = new StringBuilder().Append("CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL=\"").Append(url).Append("\"\n");
        foreach (var line in sdkconfigLines ?? [])
        {
            lines.Append(line).Append('\n');
        }

        File.WriteAllText(Path.Combine(dir, "sdkconfig"), lines.ToString());
        File.WriteAllText(Path.Combine(dir, "main", "simple_ota_example.c"), source);
        return dir;
    }

    public static DoctorOptions Options(string project, string? buildDir = null) => new() { ProjectDir = project, BuildDir = buildDir, Timeouts = Timeouts };

    /// <summary>What the log half reads from a device's serial log: the code and the line, nothing checked.</summary>
    public static DoctorFinding FromLog(string code, string cause, params string[] lines) =>
        new() { Code = code, Severity = Core.Diagnostics.Severity.Error, Cause = cause, Lines = lines };

    /// <summary>A directory with a firmware file for a test server to serve.</summary>
    public static string Site(TempDirectory temp)
    {
        var site = temp.Combine($"site-{Guid.NewGuid():n}");
        Directory.CreateDirectory(site);
        File.WriteAllBytes(Path.Combine(site, "fw.bin"), new ImageBuilder().AppDescriptor("simple_ota", "1.0.0").Build());
        return site;
    }

    /// <summary>A build directory whose app embeds <paramref name="ca"/>'s PEM, as EMBED_TXTFILES stores it.</summary>
    public static string BuildEmbedding(TempDirectory temp, X509Certificate2 ca)
    {
        var dir = BuildDirectoryBuilder.Create(temp, "1.0.0");
        var pem = Encoding.ASCII.GetBytes(TestPki.ToPem(ca) + "\0");
        Array.Resize(ref pem, (pem.Length + 3) / 4 * 4);
        File.WriteAllBytes(Path.Combine(dir, "blink.bin"), new ImageBuilder().AppDescriptor("blink", "1.0.0").Segment(0x3ffbde90, pem).Build());
        return dir;
    }
}
