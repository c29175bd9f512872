using System.Text;
using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Hosts;
using EspRelease.Core.Manifests;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;
using Json.Schema;

namespace EspRelease.Core.Tests.Releases;

/// <summary>The manifest against its documented schema (docs/manifest.schema.json) and its reader's strictness.</summary>
public sealed class ManifestFormatTests
{
    private static readonly JsonSchema _schema = JsonSchema.FromText(File.ReadAllText(Repository.File("docs", "manifest.schema.json")));

    [Fact]
    public async Task Packed_manifests_and_channel_pointers_match_the_documented_schema()
    {
        using var temp = new TempDirectory();
        var key = SigningKey.Generate();
        var release = ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(temp, "1.2.3+g1a2b3c"),
            OutputDirectory = temp.Combine("rel"),
            Key = key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
        var host = new DirectoryHost(temp.Combine("site"));
        await ReleasePublisher.PublishAsync(host, release, "beta", new ChannelOptions { Key = key, Created = release.Manifest.Created }, null, CancellationToken.None);
        var pointer = CompactJws.Verify(File.ReadAllText(temp.Combine("site", "channels", "beta.jws")), [key.PublicKey], "beta.jws").Payload;

        foreach (var document in new[] { release.ManifestBytes, pointer })
        {
            using var json = JsonDocument.Parse(document);
            var result = _schema.Evaluate(json.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
            Assert.True(result.IsValid, Encoding.UTF8.GetString(document) + JsonSerializer.Serialize(result));
        }

        Assert.Contains("\"version\": \"1.2.3+g1a2b3c\"", Encoding.UTF8.GetString(release.ManifestBytes), StringComparison.Ordinal);
        Assert.Contains("\"path\": \"../releases/blink/1.2.3_g1a2b3c/blink-1.2.3_g1a2b3c-esp32s2.bin\"", Encoding.UTF8.GetString(pointer), StringComparison.Ordinal);
    }

    [Fact]
    public void The_schema_refuses_what_the_reader_refuses()
    {
        var manifest = Sample();
        var good = Encoding.UTF8.GetString(ManifestSerializer.Serialize(manifest));
        var bad = new[]
        {
            good.Replace("\"chipId\": 9", "\"chipId\": \"9\"", StringComparison.Ordinal),
            good.Replace("\"elfSha256\": null", "\"elfSha256\": 5", StringComparison.Ordinal),
            good.Replace("\"schema\": \"esp-release/manifest/v1\"", "\"schema\": \"other\"", StringComparison.Ordinal),
            good.Replace("\"sequence\": 7", "\"sequence\": -1", StringComparison.Ordinal),
            good.Replace("\"secureVersion\": 1", "\"secureVersion\": 4294967296", StringComparison.Ordinal),
        };

        Assert.Equal(manifest, ManifestSerializer.Deserialize(Encoding.UTF8.GetBytes(good), "m.json"));
        foreach (var text in bad)
        {
            Assert.NotEqual(good, text);
            Assert.StartsWith("m.json:", RefusedByBoth(text).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_rollout_is_written_last_read_back_and_matches_the_schema()
    {
        var manifest = Sample() with { Rollout = new RolloutState(10, "fn5f6N3NSvQR3UfiDd4N4g") };

        var text = Encoding.UTF8.GetString(ManifestSerializer.Serialize(manifest));

        Assert.EndsWith("  \"action\": \"publish\",\n  \"rollout\": {\n    \"percent\": 10,\n    \"salt\": \"fn5f6N3NSvQR3UfiDd4N4g\"\n  }\n}\n", text, StringComparison.Ordinal);
        Assert.Equal(manifest, ManifestSerializer.Deserialize(Encoding.UTF8.GetBytes(text), "m.json"));
        Assert.DoesNotContain("rollout", Encoding.UTF8.GetString(ManifestSerializer.Serialize(Sample())), StringComparison.Ordinal);
        foreach (var action in new[] { "rollout", "halt" })
        {
            using var json = JsonDocument.Parse(text.Replace("\"publish\"", $"\"{action}\"", StringComparison.Ordinal));
            Assert.True(_schema.Evaluate(json.RootElement).IsValid, action);
        }
    }

    [Theory]
    [InlineData("\"percent\": 10", "\"percent\": 101")]
    [InlineData("\"percent\": 10", "\"percent\": -1")]
    [InlineData("\"percent\": 10", "\"percent\": \"10\"")]
    [InlineData("\"percent\": 10", "\"percent\": 10.5")]
    [InlineData("\"percent\": 10,", "")]
    [InlineData("\"fn5f6N3NSvQR3UfiDd4N4g\"", "\"fn5f6N3NSvQR3UfiDd4N4\"")]
    [InlineData("\"fn5f6N3NSvQR3UfiDd4N4g\"", "\"fn5f6N3NSvQR3UfiDd4N4=\"")]
    [InlineData("\"fn5f6N3NSvQR3UfiDd4N4g\"", "\"fn5f6N3NSvQR3UfiDd4N4+\"")]
    [InlineData("\"fn5f6N3NSvQR3UfiDd4N4g\"", "22")]
    [InlineData("{\n    \"percent\": 10,\n    \"salt\": \"fn5f6N3NSvQR3UfiDd4N4g\"\n  }", "null")]
    [InlineData("{\n    \"percent\": 10,\n    \"salt\": \"fn5f6N3NSvQR3UfiDd4N4g\"\n  }", "10")]
    public void A_rollout_of_the_wrong_shape_is_ManifestInvalid_and_off_the_schema(string good, string bad)
    {
        var text = Encoding.UTF8.GetString(ManifestSerializer.Serialize(Sample() with { Rollout = new RolloutState(10, "fn5f6N3NSvQR3UfiDd4N4g") }));
        var mutated = text.Replace(good, bad, StringComparison.Ordinal);
        Assert.NotEqual(text, mutated);

        Assert.Contains("\"rollout", RefusedByBoth(mutated).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_signed_payload_whose_strings_are_not_Unicode_text_is_ManifestInvalid()
    {
        var key = SigningKey.Generate();
        var good = ManifestSerializer.Serialize(Sample());
        var surrogate = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("\"2.0.0\"", "\"2.0.0\\udbff\"", StringComparison.Ordinal));
        var notUtf8 = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(good).Replace("\"stable\"", "\"st\u0001ble\"", StringComparison.Ordinal));
        notUtf8[Array.IndexOf(notUtf8, (byte)1)] = 0xFE;

        foreach (var (payload, found) in new[] { (surrogate, "$.version (line 4)"), (notUtf8, "$.channel (line ") })
        {
            var e = Assert.Throws<EspReleaseException>(() => ReleaseVerifier.VerifyManifest(CompactJws.Sign(payload, key), "m.jws", [key.PublicKey]));
            Assert.Equal(DiagnosticCodes.ManifestInvalid, e.Diagnostic.Code);
            Assert.Contains(found, e.Diagnostic.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_firmware_path_with_a_NUL_is_ManifestInvalid_not_an_ArgumentException()
    {
        var key = SigningKey.Generate();
        var payload = ManifestSerializer.Serialize(Sample() with { Firmware = Sample().Firmware with { Path = "fw\0.bin" } });

        var e = Assert.Throws<EspReleaseException>(() => ReleaseVerifier.VerifyManifest(CompactJws.Sign(payload, key), "m.jws", [key.PublicKey]));

        Assert.Equal(DiagnosticCodes.ManifestInvalid, e.Diagnostic.Code);
        Assert.Contains("firmware.path is \"fw\\u0000.bin\": expected the firmware's path relative to the manifest, but it holds a NUL character", e.Diagnostic.Message, StringComparison.Ordinal);
    }

    // The schema and the reader agree: a manifest one refuses, the other refuses too.
    private static EspReleaseException RefusedByBoth(string text)
    {
        using var json = JsonDocument.Parse(text);
        Assert.False(_schema.Evaluate(json.RootElement).IsValid, text);
        var e = Assert.Throws<EspReleaseException>(() => ManifestSerializer.Deserialize(Encoding.UTF8.GetBytes(text), "m.json"));
        Assert.Equal(DiagnosticCodes.ManifestInvalid, e.Diagnostic.Code);
        return e;
    }

    private static ReleaseManifest Sample() => new()
    {
        Project = "thermostat", Version = "2.0.0", Chip = "esp32s3", ChipId = 9, MinChipRevision = 0, MaxChipRevision = 99,
        SecureVersion = 1, IdfVersion = "v5.3.1", ElfSha256 = null,
        Firmware = new FirmwareReference("thermostat-2.0.0-esp32s3.bin", 1024, new string('a', 64), new string('b', 64)),
        Channel = "stable", Sequence = 7, Created = DateTimeOffset.FromUnixTimeSeconds(1767225600), Action = "publish",
    };
}
