using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using EspRelease.Core.Releases;
using EspRelease.Core.Sdkconfig;
using EspRelease.Core.Signing;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// The seeds every target mutates: the fixtures read in place, ESP8266 images built in code (no fixture
/// has one), a release packed from the fixture build with a key made from the run's seed (so a seed
/// gives the same inputs on every run), and the esp-release.json and sdkconfig.json a user's build has.
/// </summary>
public sealed class FuzzCorpus
{
    private FuzzCorpus()
    {
    }

    /// <summary>images/*.bin, the fixture build's bootloader, and ESP8266 V1/V2 images.</summary>
    public required IReadOnlyList<FuzzSeed> Images { get; init; }

    /// <summary>partitions/*.bin and the fixture build's partition table.</summary>
    public required IReadOnlyList<FuzzSeed> PartitionTables { get; init; }

    /// <summary>Every file of idf-build/simple_ota, by relative path.</summary>
    public required IReadOnlyDictionary<string, byte[]> BuildFiles { get; init; }

    /// <summary>The build files IdfBuildReader reads, the ones cases change.</summary>
    public required IReadOnlyList<FuzzSeed> BuildSeeds { get; init; }

    /// <summary>The signing key the release was packed with; cases re-sign mutated payloads with it.</summary>
    public required SigningKey Key { get; init; }

    /// <summary>A key no verification trusts.</summary>
    public required SigningKey UntrustedKey { get; init; }

    /// <summary>The keys verification trusts: the signing key's public half and an unrelated key (a rotation).</summary>
    public required IReadOnlyList<VerificationKey> TrustedKeys { get; init; }

    /// <summary>The packed release: manifest.jws, manifest.json and the firmware, by file name.</summary>
    public required IReadOnlyDictionary<string, byte[]> ReleaseFiles { get; init; }

    public required string Jws { get; init; }

    public required byte[] ManifestJson { get; init; }

    private static readonly string[] _sdkconfigFixtures = ["simple_ota_example/sdkconfig.defaults", "simple_ota_example/sdkconfig.ci", "advanced_https_ota/sdkconfig.defaults"];

    private static readonly string[] _kconfigProjects = ["simple_ota_example", "advanced_https_ota"];

    /// <summary>esp-release.json as the README shows it (comments, every member) and a minimal one.</summary>
    public required IReadOnlyList<FuzzSeed> Configs { get; init; }

    /// <summary>The fixture sdkconfig, sdkconfig.defaults and sdkconfig.ci files.</summary>
    public required IReadOnlyList<FuzzSeed> Sdkconfigs { get; init; }

    /// <summary>The fixture projects' main/Kconfig.projbuild.</summary>
    public required IReadOnlyList<FuzzSeed> Kconfigs { get; init; }

    /// <summary>An ESP-IDF project (simple_ota_example with an sdkconfig and a target defaults file), by relative path.</summary>
    public required IReadOnlyDictionary<string, byte[]> ProjectFiles { get; init; }

    /// <summary>The project files cases change (sdkconfig twice: the project's small one and the fixture's real one).</summary>
    public required IReadOnlyList<FuzzSeed> ProjectSeeds { get; init; }

    /// <summary>build/config/sdkconfig.json as kconfgen writes it, made from the fixture sdkconfig.</summary>
    public required FuzzSeed SdkconfigJson { get; init; }

    /// <summary>The public and private key PEMs (verify --key takes either).</summary>
    public required IReadOnlyList<FuzzSeed> KeyPems { get; init; }

    /// <param name="fixtures">The shared fixtures folder.</param>
    /// <param name="seed">The run's seed; it decides the signing key.</param>
    /// <param name="scratch">A folder to pack the release in (left to the caller to delete).</param>
    public static FuzzCorpus Create(string fixtures, int seed, string scratch)
    {
        var key = KeyFromSeed(seed, "signing");
        var release = Pack(Path.Combine(fixtures, "idf-build", "simple_ota"), Path.Combine(scratch, "release"), key);
        var build = ReadTree(Path.Combine(fixtures, "idf-build", "simple_ota"));
        string[] buildInputs = ["project_description.json", "flasher_args.json", "blink.bin", "bootloader/bootloader.bin", "partition_table/partition-table.bin"];
        var sdkconfig = File.ReadAllBytes(Path.Combine(fixtures, "sdkconfig", "esp32s3_hello_world_idf5.3.1", "sdkconfig"));
        var simpleOta = Path.Combine(fixtures, "idf-project", "simple_ota_example");
        var sdkconfigCi = File.ReadAllBytes(Path.Combine(simpleOta, "sdkconfig.ci"));
        var project = ReadTree(simpleOta);
        // The project's own sdkconfig is small (sdkconfig.ci and a target): checking the real 65 KB one
        // takes some 50 ms, so it is one of the seeds for the file instead.
        project["sdkconfig"] = [.. "CONFIG_IDF_TARGET=\"esp32s3\"\n"u8, .. sdkconfigCi];
        // The target is esp32s3, so this file is read after sdkconfig.defaults.
        project["sdkconfig.defaults.esp32s3"] = sdkconfigCi;
        string[] projectInputs = ["sdkconfig", "sdkconfig.defaults", "sdkconfig.defaults.esp32s3", "main/Kconfig.projbuild", "main/CMakeLists.txt", "server_certs/ca_cert.pem"];

        return new FuzzCorpus
        {
            Images =
            [
                .. Directory.EnumerateFiles(Path.Combine(fixtures, "images"), "*.bin").Order(StringComparer.Ordinal).Select(ImageSeed),
                ImageSeed("bootloader.bin", build["bootloader/bootloader.bin"]),
                ImageSeed("esp8266-eboot.bin", Esp8266ImageBuilder.ArduinoEboot().Build()),
                ImageSeed("esp8266-nonos-bootloader.bin", Esp8266ImageBuilder.NonOsBootloader().Build()),
                ImageSeed("esp8266-v2.bin", new Esp8266ImageBuilder { Version = 2, Irom = Filler(0x800) }.Segment(0x40100000, 0x200).Segment(0x3ffe8000, 0x40).Build()),
            ],
            PartitionTables =
            [
                .. Directory.EnumerateFiles(Path.Combine(fixtures, "partitions"), "*.bin").Order(StringComparer.Ordinal)
                    .Select(path => new FuzzSeed(Path.GetFileName(path), File.ReadAllBytes(path), SeedFormat.Binary)),
                new FuzzSeed("partition-table.bin", build["partition_table/partition-table.bin"], SeedFormat.Binary),
            ],
            BuildFiles = build,
            BuildSeeds = [.. buildInputs.Select(name => name.EndsWith(".bin", StringComparison.Ordinal) ? ImageSeed(name, build[name]) : new FuzzSeed(name, build[name], SeedFormat.Json))],
            Key = key,
            UntrustedKey = KeyFromSeed(seed, "untrusted"),
            TrustedKeys = [key.PublicKey, KeyFromSeed(seed, "rotated").PublicKey],
            ReleaseFiles = release,
            Jws = Encoding.ASCII.GetString(release[ReleaseNaming.ManifestJws]),
            ManifestJson = release[ReleaseNaming.ManifestJson],
            Configs = [new FuzzSeed("esp-release.json", Encoding.UTF8.GetBytes(ReadmeConfig), SeedFormat.Json), new FuzzSeed("esp-release.json", "{\"channel\":\"beta\",\"key\":\"k.pem\"}\n"u8.ToArray(), SeedFormat.Json)],
            Sdkconfigs =
            [
                new FuzzSeed("sdkconfig", sdkconfig, SeedFormat.Text),
                .. _sdkconfigFixtures.Select(name => new FuzzSeed(Path.GetFileName(name), File.ReadAllBytes(Path.Combine(fixtures, "idf-project", name)), SeedFormat.Text)),
            ],
            Kconfigs =
            [
                .. _kconfigProjects.Select(name => new FuzzSeed("Kconfig.projbuild", File.ReadAllBytes(Path.Combine(fixtures, "idf-project", name, "main", "Kconfig.projbuild")), SeedFormat.Text)),
            ],
            ProjectFiles = project,
            // The real sdkconfig is checked in some 50 ms (the small files in 1), so it is picked a quarter as often.
            ProjectSeeds = [.. projectInputs.Select(name => new FuzzSeed(name, project[name], SeedFormat.Text) { Weight = 4 }), new FuzzSeed("sdkconfig", sdkconfig, SeedFormat.Text)],
            SdkconfigJson = new FuzzSeed("build/config/sdkconfig.json", KconfgenJson(sdkconfig), SeedFormat.Json),
            KeyPems = [new FuzzSeed("key.pub.pem", Encoding.ASCII.GetBytes(key.PublicKey.ExportPem()), SeedFormat.Text), new FuzzSeed("key.pem", Encoding.ASCII.GetBytes(key.ExportPkcs8Pem()), SeedFormat.Text)],
        };
    }

    /// <summary>esp-release.json as the README documents it.</summary>
    private const string ReadmeConfig = """
        {
          "$schema": "https://example.invalid/esp-release.schema.json",
          "buildDir": "firmware/build",        // pack/publish when no path is given
          "host": "dir:../site",               // publish --to, promote/rollback --host, verify
          "channel": "beta",                   // default channel (else "stable")
          "key": "../keys/signing-key.pem",    /* signing key path */
          "trustedKeys": ["keys/old.pub.pem", "keys/older.pub.pem",],
          "version": "1.4.0",
          "allowNonSemver": false,
        }

        """;

    /// <summary>
    /// A P-256 key whose private scalar comes from the seed: the packed release, and so every JWS case,
    /// is the same on every run with that seed. Only for the fuzzer's throwaway release.
    /// </summary>
    private static SigningKey KeyFromSeed(int seed, string purpose)
    {
        var d = SHA256.HashData(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"esp-release fuzz {purpose} key {seed}")));
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = d });
        return SigningKey.FromPem(ecdsa.ExportPkcs8PrivateKeyPem(), $"fuzz {purpose} key");
    }

    private static Dictionary<string, byte[]> Pack(string buildDir, string output, SigningKey key)
    {
        var packed = ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = buildDir,
            OutputDirectory = output,
            Key = key,
            AllowNonSemver = true,
            Created = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
        });
        return ReadTree(packed.Directory);
    }

    private static Dictionary<string, byte[]> ReadTree(string root) =>
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'), File.ReadAllBytes, StringComparer.Ordinal);

    private static FuzzSeed ImageSeed(string path) => ImageSeed(Path.GetFileName(path), File.ReadAllBytes(path));

    /// <summary>An image seed with its fields marked hot: the header, descriptor, each segment header, the checksum and hash, the signature sector.</summary>
    private static FuzzSeed ImageSeed(string name, byte[] bytes)
    {
        List<(int, int)> hot = [(0, 0x130)];
        // Walk the segment headers (8 bytes: load address, length) after the 24-byte ESP32 header (8 for an ESP8266 V1).
        var offset = bytes.Length > 0 && bytes[0] == 0xE9 && bytes.Length > 23 && bytes[12] == 0 && bytes[13] == 0 ? 24 : 8;
        var segments = bytes.Length > 1 ? bytes[1] : 0;
        for (var i = 0; i < segments && offset + 8 <= bytes.Length; i++)
        {
            hot.Add((offset, 8));
            offset += 8 + (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 4)), int.MaxValue / 2);
        }

        hot.Add((Math.Max(0, bytes.Length - 64), 64));
        if (bytes.Length % 4096 == 0 && bytes.Length >= 8192)
        {
            hot.Add((bytes.Length - 4096, 1216));
        }

        return new FuzzSeed(name, bytes, SeedFormat.Binary) { Hot = hot };
    }

    private static byte[] Filler(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);
        return data;
    }

    /// <summary>sdkconfig.json as kconfgen writes it: names without CONFIG_, bools as true/false, ints and hex as numbers, strings.</summary>
    private static byte[] KconfgenJson(byte[] sdkconfig)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            foreach (var entry in SdkconfigFile.Parse(sdkconfig, "sdkconfig").Entries.Where(e => !e.InDeprecatedBlock).DistinctBy(e => e.Name))
            {
                var value = entry.Value;
                switch (value.Kind)
                {
                    case SdkconfigValueKind.Bool:
                        w.WriteBoolean(entry.Name, value.IsEnabled);
                        break;
                    case SdkconfigValueKind.Number:
                        w.WriteNumber(entry.Name, long.Parse(value.Text, CultureInfo.InvariantCulture));
                        break;
                    case SdkconfigValueKind.Hex:
                        w.WriteNumber(entry.Name, Convert.ToInt64(value.Text[2..], 16));
                        break;
                    case SdkconfigValueKind.Text:
                        w.WriteString(entry.Name, value.Text);
                        break;
                    default:
                        w.WriteNull(entry.Name);
                        break;
                }
            }

            w.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
