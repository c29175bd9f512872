using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Releases;

public sealed class PackTests
{
    private static readonly DateTimeOffset _created = DateTimeOffset.FromUnixTimeSeconds(1764072000);
    private readonly SigningKey _key = SigningKey.Generate();

    private PackedRelease Pack(string buildDir, string outDir, string? expected = null, bool allowNonSemver = false, bool factory = false, string channel = "stable") =>
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = buildDir, OutputDirectory = outDir, Key = _key, ExpectedVersion = expected,
            AllowNonSemver = allowNonSemver, Factory = factory, Created = _created, Channel = channel,
        });

    [Fact]
    public void The_fixture_build_packs_into_a_release_that_verifies()
    {
        using var temp = new TempDirectory();

        var release = Pack(Fixtures.SimpleOtaBuild, temp.Combine("rel"), allowNonSemver: true);

        var m = release.Manifest;
        Assert.Equal("blink", m.Project);
        Assert.Equal("qa-test-v5.0-20220830-4-g4532e6", m.Version);
        Assert.Equal("esp32s2", m.Chip);
        Assert.Equal(2, m.ChipId);
        Assert.Equal("v5.0-beta1-427-g4532e6e0b2-dirt", m.IdfVersion);
        Assert.Equal("3059e6b55a965865febd28fa9f6028ad5cd0dab311febb0a3ea79eaa223ac2b0", m.ElfSha256);
        Assert.Equal("blink-qa-test-v5.0-20220830-4-g4532e6-esp32s2.bin", m.Firmware.Path);
        Assert.Equal(182368, m.Firmware.Size);
        Assert.Equal("a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12", m.Firmware.Sha256);
        Assert.Equal("10f48f4a71a48cc4c917d70d13bf717b1bc7f3187b3d564b00192f7e381531b7", m.Firmware.ImageDigest);
        Assert.Equal(0, m.Sequence);
        Assert.Equal(_created, m.Created);
        Assert.Equal(File.ReadAllBytes(Fixtures.Image("esp_idf_blink_esp32s2.bin")), File.ReadAllBytes(release.FirmwarePath));
        Assert.Equal(release.ManifestBytes, File.ReadAllBytes(release.ManifestJsonPath));
        Assert.Contains(release.Warnings, w => w.Code == DiagnosticCodes.OrderingSkipped);

        var report = ReleaseVerifier.VerifyLocal(release.Directory, [_key.PublicKey]);
        Assert.Equal(_key.KeyId, report.Key.KeyId);
        Assert.True(report.Firmware.Valid);
    }

    [Fact]
    public void Two_packs_of_one_build_with_one_key_and_time_are_byte_identical()
    {
        using var temp = new TempDirectory();
        var build = BuildDirectoryBuilder.Create(temp, "1.4.0", appBytes: 64 * 1024);

        var first = Pack(build, temp.Combine("a"), factory: true);
        var second = Pack(build, temp.Combine("b"), factory: true);

        var files = Directory.EnumerateFiles(first.Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(first.Directory, f)).Order().ToList();
        Assert.Equal(5, files.Count);
        Assert.Equal(files, Directory.EnumerateFiles(second.Directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(second.Directory, f)).Order());
        foreach (var file in files)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(first.Directory, file)), File.ReadAllBytes(Path.Combine(second.Directory, file)));
        }
    }

    [Fact]
    public void A_build_that_fails_validation_is_refused_and_writes_no_manifest()
    {
        using var temp = new TempDirectory();
        var build = BuildDirectoryBuilder.Create(temp, "1.0.0");
        var app = Path.Combine(build, "blink.bin");
        var bytes = File.ReadAllBytes(app);
        bytes[0x200] ^= 0xFF;
        File.WriteAllBytes(app, bytes);

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("out")));

        Assert.Contains(e.Diagnostics, d => d.Code == DiagnosticCodes.ChecksumMismatch || d.Code == DiagnosticCodes.HashMismatch);
        Assert.Equal(app, e.Diagnostic.File);
        Assert.False(File.Exists(temp.Combine("out", "manifest.jws")));
        Assert.Empty(Directory.EnumerateFiles(temp.Combine("out")));
    }

    [Theory]
    [InlineData("1", null, DiagnosticCodes.VersionLost)]
    [InlineData("v2.0-HEAD-HASH-NOTFOUND", null, DiagnosticCodes.VersionLost)]
    [InlineData("1.0.0", "1.0.1", DiagnosticCodes.VersionNotExpected)]
    [InlineData("abc1234", null, DiagnosticCodes.VersionNotSemver)]
    public void Version_refusals_say_what_to_do(string version, string? expected, string code)
    {
        using var temp = new TempDirectory();
        var build = BuildDirectoryBuilder.Create(temp, version);

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("out"), expected));

        Assert.Equal(code, e.Diagnostic.Code);
        Assert.Contains(Path.Combine(build, "blink.bin"), e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("out", "manifest.jws")));
    }

    [Fact]
    public void A_PROJECT_VER_the_descriptor_cut_short_is_refused()
    {
        using var temp = new TempDirectory();
        var full = "1.0.0-feature.add-the-long-branch-name";
        var build = BuildDirectoryBuilder.Create(temp, full[..31], projectVersion: full);

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("out")));

        Assert.Equal(DiagnosticCodes.VersionLost, e.Diagnostic.Code);
        Assert.Contains("devices would see \"1.0.0-feature.add-the-long-bran\"", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("project_description.json", e.Diagnostic.File, StringComparison.Ordinal);
    }

    [Fact]
    public void A_secure_version_beyond_the_efuse_field_is_refused()
    {
        using var temp = new TempDirectory();
        var build = BuildDirectoryBuilder.Create(temp, "1.0.0", secureVersion: 17);

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("out")));

        Assert.Equal(DiagnosticCodes.SecureVersionBeyondEfuse, e.Diagnostic.Code);
        Assert.Contains("ESP32-S2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_narrower_efuse_field_in_the_builds_sdkconfig_is_the_limit()
    {
        using var temp = new TempDirectory();
        var build = BuildDirectoryBuilder.Create(temp, "1.0.0", secureVersion: 5);
        Directory.CreateDirectory(Path.Combine(build, "config"));
        File.WriteAllText(Path.Combine(build, "config", "sdkconfig.json"), """{ "IDF_TARGET": "esp32s2", "BOOTLOADER_APP_ANTI_ROLLBACK": true, "BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD": 4 }""");

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("out")));

        Assert.Equal(DiagnosticCodes.SecureVersionBeyondEfuse, e.Diagnostic.Code);
        Assert.Contains("CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD=4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_invalid_channel_name_is_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory();

        var e = Assert.Throws<EspReleaseException>(() => Pack(Fixtures.SimpleOtaBuild, temp.Combine("out"), allowNonSemver: true, channel: "../Stable"));

        Assert.Equal(DiagnosticCodes.ChannelNameInvalid, e.Diagnostic.Code);
        Assert.False(Directory.Exists(temp.Combine("out")));
    }

    [Fact]
    public void The_factory_image_holds_every_part_at_its_offset_with_erased_gaps()
    {
        using var temp = new TempDirectory();

        var release = Pack(Fixtures.SimpleOtaBuild, temp.Combine("rel"), allowNonSemver: true, factory: true);

        var merged = File.ReadAllBytes(release.Factory!.ImagePath);
        var build = Fixtures.SimpleOtaBuild;
        var parts = new (int Offset, string File)[]
        {
            (0x1000, "bootloader/bootloader.bin"), (0x8000, "partition_table/partition-table.bin"),
            (0xd000, "ota_data_initial.bin"), (0x10000, "blink.bin"),
        };
        var covered = new bool[merged.Length];
        foreach (var (offset, file) in parts)
        {
            var bytes = File.ReadAllBytes(Path.Combine(build, file));
            Assert.Equal(bytes, merged.AsSpan(offset, bytes.Length).ToArray());
            covered.AsSpan(offset, bytes.Length).Fill(true);
        }

        Assert.Equal(0x10000 + 182368, merged.Length);
        Assert.All(Enumerable.Range(0, merged.Length).Where(i => !covered[i]), i => Assert.Equal(0xFF, merged[i]));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(merged)), release.Factory.Sha256);

        using var web = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(release.Factory.WebManifestPath));
        var buildEntry = web.RootElement.GetProperty("builds")[0];
        Assert.Equal("ESP32-S2", buildEntry.GetProperty("chipFamily").GetString());
        Assert.Equal(Path.GetFileName(release.Factory.ImagePath), buildEntry.GetProperty("parts")[0].GetProperty("path").GetString());
        Assert.Equal(0, buildEntry.GetProperty("parts")[0].GetProperty("offset").GetInt32());
    }

    [Fact]
    public void Editing_manifest_json_or_the_firmware_after_pack_fails_verification()
    {
        using var temp = new TempDirectory();
        var release = Pack(BuildDirectoryBuilder.Create(temp, "1.0.0"), temp.Combine("rel"));

        File.WriteAllText(release.ManifestJsonPath, File.ReadAllText(release.ManifestJsonPath).Replace("1.0.0", "1.0.1", StringComparison.Ordinal));
        Assert.Equal(DiagnosticCodes.ManifestPayloadMismatch, Assert.Throws<EspReleaseException>(() => ReleaseVerifier.VerifyLocal(release.Directory, [_key.PublicKey])).Diagnostic.Code);

        File.WriteAllBytes(release.ManifestJsonPath, release.ManifestBytes);
        var firmware = File.ReadAllBytes(release.FirmwarePath);
        firmware[100] ^= 1;
        File.WriteAllBytes(release.FirmwarePath, firmware);
        var e = Assert.Throws<EspReleaseException>(() => ReleaseVerifier.VerifyLocal(release.Directory, [_key.PublicKey]));
        Assert.Equal(DiagnosticCodes.FirmwareMismatch, e.Diagnostic.Code);
        Assert.Contains(release.Manifest.Firmware.Sha256, e.Message, StringComparison.Ordinal);

        File.Delete(release.FirmwarePath);
        Assert.Equal(DiagnosticCodes.FirmwareMissing, Assert.Throws<EspReleaseException>(() => ReleaseVerifier.VerifyLocal(release.Directory, [_key.PublicKey])).Diagnostic.Code);
    }

    [Fact]
    public void A_factory_part_past_the_flash_size_is_refused_before_anything_is_written()
    {
        using var temp = new TempDirectory();
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        BuildFileEdit.Replace(Path.Combine(build, "flasher_args.json"), "\"offset\" : \"0xd000\"", "\"offset\" : \"0xfffff000\"");

        var e = Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("rel"), allowNonSemver: true, factory: true));

        Assert.Equal(DiagnosticCodes.FactoryPartPastFlash, e.Diagnostic.Code);
        Assert.Contains("the otadata part (8192 bytes at 0xfffff000) would end at 0x100001000, past the flash size (2MB) in flasher_args.json", e.Diagnostic.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(temp.Combine("rel", "factory")) && Directory.EnumerateFiles(temp.Combine("rel", "factory"), "*.bin").Any());
    }

    [Fact]
    public async Task A_factory_part_that_is_a_named_pipe_is_refused_without_blocking()
    {
        using var temp = new TempDirectory();
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        var otadata = Path.Combine(build, "ota_data_initial.bin");
        File.Delete(otadata);
        SpecialFiles.MakeFifo(otadata);

        var e = await SpecialFiles.WithinSeconds(20, () => Assert.Throws<EspReleaseException>(() => Pack(build, temp.Combine("rel"), allowNonSemver: true, factory: true)), otadata);

        Assert.Equal(DiagnosticCodes.NotARegularFile, e.Diagnostic.Code);
        Assert.Equal(otadata, e.Diagnostic.File);
    }
}
