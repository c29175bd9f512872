using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;
using EspRelease.Core.Manifests;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Ota;

/// <summary>
/// The esp_release_ota component's portable core (templates/esp_release_ota/core), run with ASan and UBSan
/// through tests/esp-release-ota-core, judges manifests esp-release's own signing code writes in this run.
/// </summary>
public sealed partial class OtaCoreTests(ITestOutputHelper output) : IDisposable
{
    private static readonly SigningKey _key = SigningKey.Generate();
    private static readonly SigningKey _otherKey = SigningKey.Generate();
    private static readonly byte[] _firmware = [.. Enumerable.Range(0, 70_001).Select(i => (byte)(i * 7 % 251))];

    private readonly TempDirectory _dir = new();

    private static ReleaseManifest Manifest => new()
    {
        Project = "blink",
        Version = "1.4.0",
        Chip = "esp32s3",
        ChipId = 9,
        MinChipRevision = 0,
        MaxChipRevision = 300,
        SecureVersion = 2,
        IdfVersion = "v5.3.1",
        ElfSha256 = new string('a', 64),
        Firmware = new FirmwareReference("../releases/blink/1.4.0/blink-1.4.0-esp32s3.bin", _firmware.Length, Convert.ToHexStringLower(SHA256.HashData(_firmware)), new string('b', 64)),
        Channel = "stable",
        Sequence = 7,
        Created = new DateTimeOffset(2025, 10, 9, 8, 53, 20, TimeSpan.Zero),
        Action = "publish",
    };

    public void Dispose() => _dir.Dispose();

    private static string Sign(ReleaseManifest manifest, SigningKey? key = null) => CompactJws.Sign(ManifestSerializer.Serialize(manifest), key ?? _key) + "\n";

    /// <summary>The manifest's JSON edited as a tree, then signed: for members ReleaseManifest cannot hold.</summary>
    private static string SignEdited(Action<JsonObject> edit)
    {
        var json = JsonNode.Parse(ManifestSerializer.Serialize(Manifest))!.AsObject();
        edit(json);
        return CompactJws.Sign(Encoding.UTF8.GetBytes(json.ToJsonString()), _key);
    }

    private static string SignRaw(string header, byte[] payload, byte[] signature) =>
        Base64Url.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.Encode(payload) + "." + Base64Url.Encode(signature);

    private string File(string name, byte[] content)
    {
        var path = Path.Combine(_dir.Path, name);
        System.IO.File.WriteAllBytes(path, content);
        return path;
    }

    private string KeyFile(SigningKey key) => File(key.KeyId + ".pem", Encoding.ASCII.GetBytes(key.PublicKey.ExportPem()));

    /// <summary>The device of these tests: chip revision 1.0, running 1.3.0, floor 2, last sequence 6 on stable.</summary>
    private List<string> Config(string command = "verify", string version = "1.3.0", long lastSequence = 6, IEnumerable<SigningKey>? keys = null, params string[] extra)
    {
        var args = new List<string> { command };
        foreach (var key in keys ?? [_key])
        {
            args.AddRange(["--key", KeyFile(key)]);
        }

        args.AddRange(["--channel", "stable", "--project", "blink", "--chip", "esp32s3", "--chip-id", "9", "--chip-rev", "100",
            "--version", version, "--secure-version", "2", "--last-sequence", lastSequence.ToString(CultureInfo.InvariantCulture)]);
        args.AddRange(extra);
        return args;
    }

    private async Task<OtaCoreResult> VerifyAsync(string jws, List<string>? config = null, byte[]? firmware = null)
    {
        var args = config ?? Config();
        if (firmware is not null)
        {
            args.AddRange(["--firmware", File("fw.bin", firmware), "--chunk", "4096"]);
        }

        var result = await OtaCore.RunAsync(args, Encoding.ASCII.GetBytes(jws));
        Assert.DoesNotContain("Sanitizer", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime error", result.Stderr, StringComparison.Ordinal);
        return result;
    }

    private async Task AssertRefusedAsync(string jws, string expected, List<string>? config = null)
    {
        var result = await VerifyAsync(jws, config);
        Assert.True(result.ExitCode == OtaCore.ExitRefused && result.Result == expected, $"expected {expected}: {result}");
    }

    [Fact]
    public async Task A_valid_release_is_accepted_its_members_read_and_its_download_matches()
    {
        var result = await VerifyAsync(Sign(Manifest), firmware: _firmware);

        Assert.True(result.ExitCode == OtaCore.ExitAccepted, result.ToString());
        Assert.Equal("ESP_RELEASE_OK", result.Result);
        Assert.Equal(_key.KeyId, result.Values["kid"]); // the C thumbprint equals esp-release's
        Assert.Equal("1.4.0", result.Values["version"]);
        Assert.Equal("7", result.Values["sequence"]);
        Assert.Equal("publish", result.Values["action"]);
        Assert.Equal(Manifest.Firmware.Path, result.Values["path"]);
        Assert.Equal(Manifest.Firmware.Sha256, result.Values["sha256"]);
        Assert.Equal("ESP_RELEASE_OK", result.Download);
    }

    [Fact]
    public async Task Keys_are_read_as_PEM_or_DER_with_or_without_their_kid_and_a_wrong_kid_or_curve_is_a_key_error()
    {
        var jws = Sign(Manifest);
        var der = File("key.der", Convert.FromBase64String(string.Concat(_key.PublicKey.ExportPem().Split('\n').Where(l => !l.StartsWith("-----", StringComparison.Ordinal)))));
        var withKid = Config();
        withKid.InsertRange(3, ["--kid", _key.KeyId]);
        var asDer = Config();
        asDer[2] = der;
        var wrongKid = Config();
        wrongKid.InsertRange(3, ["--kid", _otherKey.KeyId]);
        var lyingKid = Config();
        lyingKid[2] = KeyFile(_otherKey);
        lyingKid.InsertRange(3, ["--kid", _key.KeyId]);
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var notP256 = Config();
        notP256[2] = File("p384.pem", Encoding.ASCII.GetBytes(p384.ExportSubjectPublicKeyInfoPem()));

        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(jws, withKid)).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(jws, asDer)).ExitCode);
        await AssertRefusedAsync(jws, "ESP_RELEASE_ERR_UNKNOWN_KID", wrongKid); // a configured kid that differs is never parsed
        await AssertRefusedAsync(jws, "ESP_RELEASE_ERR_KEY", lyingKid);
        await AssertRefusedAsync(jws, "ESP_RELEASE_ERR_KEY", notP256);
    }

    public static TheoryData<string, string> Rules => new()
    {
        { "channel beta", "ESP_RELEASE_ERR_CHANNEL" },
        { "project blonk", "ESP_RELEASE_ERR_PROJECT" },
        { "chip esp32c3", "ESP_RELEASE_ERR_CHIP" },
        { "chipId 5", "ESP_RELEASE_ERR_CHIP" },
        { "minChipRevision 101", "ESP_RELEASE_ERR_CHIP_REVISION" },
        { "maxChipRevision 99", "ESP_RELEASE_ERR_CHIP_REVISION" },
        { "secureVersion 1", "ESP_RELEASE_ERR_SECURE_VERSION" },
        { "sequence 6", "ESP_RELEASE_ERR_SEQUENCE" },
        { "sequence 2", "ESP_RELEASE_ERR_SEQUENCE" },
        { "sequence 0", "ESP_RELEASE_ERR_SEQUENCE" },
        { "schema esp-release/manifest/v2", "ESP_RELEASE_ERR_SCHEMA" },
    };

    /// <summary>Each member changed and signed again: the rule, not the signature, refuses it.</summary>
    [Theory]
    [MemberData(nameof(Rules))]
    public async Task A_re_signed_manifest_that_breaks_a_rule_is_refused_by_that_rule(string change, string expected)
    {
        var (name, value) = (change.Split(' ')[0], change.Split(' ')[1]);
        var jws = SignEdited(json => json[name] = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n) : JsonValue.Create(value));

        await AssertRefusedAsync(jws, expected);
    }

    [Fact]
    public async Task Chip_revision_limits_are_inclusive_and_null_means_none()
    {
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest with { MinChipRevision = 100, MaxChipRevision = 100 }))).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest with { MaxChipRevision = null }))).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest with { SecureVersion = 2 }))).ExitCode);
    }

    /// <summary>Each member changed without signing again: the signature refuses it.</summary>
    [Theory]
    [InlineData("\"stable\"", "\"beta\"")]
    [InlineData("\"blink\"", "\"blonk\"")]
    [InlineData("\"1.4.0\"", "\"9.9.9\"")]
    [InlineData("\"esp32s3\"", "\"esp32c3\"")]
    [InlineData("\"sequence\": 7", "\"sequence\": 8")]
    [InlineData("\"secureVersion\": 2", "\"secureVersion\": 3")]
    [InlineData("\"size\": 70001", "\"size\": 70002")]
    [InlineData("\"maxChipRevision\": 300", "\"maxChipRevision\": null")]
    [InlineData("\"action\": \"publish\"", "\"action\": \"rollback\"")]
    [InlineData("../releases/", "../../evil/")]
    public async Task A_member_changed_after_signing_is_refused_by_the_signature(string from, string to)
    {
        var parts = Sign(Manifest).Trim().Split('.');
        var payload = Encoding.UTF8.GetString(Base64Url.TryDecode(parts[1])!);
        Assert.Contains(from, payload, StringComparison.Ordinal);
        var tampered = parts[0] + "." + Base64Url.Encode(Encoding.UTF8.GetBytes(payload.Replace(from, to, StringComparison.Ordinal))) + "." + parts[2];

        await AssertRefusedAsync(tampered, "ESP_RELEASE_ERR_SIGNATURE");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Bit_flips_in_any_part_are_refused(int part)
    {
        var parts = Sign(Manifest).Trim().Split('.');
        var decoded = Base64Url.TryDecode(parts[part])!;
        var positions = new[] { 0, 1, decoded.Length / 3, decoded.Length / 2, decoded.Length - 2, decoded.Length - 1 };
        foreach (var (position, bit) in positions.Select((p, i) => (p, i % 8)))
        {
            // A flip in the decoded bytes (a valid JWS otherwise) and one in the text as sent.
            var bytes = (byte[])decoded.Clone();
            bytes[position] ^= (byte)(1 << bit);
            var flipped = (string[])parts.Clone();
            flipped[part] = Base64Url.Encode(bytes);
            var text = Encoding.ASCII.GetBytes(string.Join('.', parts));
            var at = string.Join('.', parts.Take(part)).Length + (part > 0 ? 1 : 0) + position * parts[part].Length / decoded.Length;
            text[at] ^= (byte)(1 << bit);

            foreach (var jws in new[] { string.Join('.', flipped), Encoding.Latin1.GetString(text) })
            {
                var result = await VerifyAsync(jws);
                Assert.True(result.ExitCode == OtaCore.ExitRefused, $"part {part}, byte {position}, bit {bit}: {result}");
            }
        }
    }

    [Fact]
    public async Task An_unknown_kid_is_refused_and_during_a_rotation_either_trusted_key_is_accepted()
    {
        var byOld = Sign(Manifest);
        var byNew = Sign(Manifest, _otherKey);
        var both = Config(keys: [_key, _otherKey]);

        await AssertRefusedAsync(byNew, "ESP_RELEASE_ERR_UNKNOWN_KID");
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(byOld, both)).ExitCode);
        var result = await VerifyAsync(byNew, Config(keys: [_key, _otherKey]));
        Assert.True(result.ExitCode == OtaCore.ExitAccepted && result.Values["kid"] == _otherKey.KeyId, result.ToString());
    }

    [Fact]
    public async Task Only_ES256_is_accepted_none_HMAC_and_crit_are_refused()
    {
        var payload = ManifestSerializer.Serialize(Manifest);
        var kid = _key.KeyId;
        var none = SignRaw($"{{\"alg\":\"none\",\"typ\":\"JOSE\",\"kid\":\"{kid}\"}}", payload, []);
        // HS256 keyed with the public key's PEM: the classic algorithm-confusion attack.
        var hsHeader = Base64Url.Encode(Encoding.UTF8.GetBytes($"{{\"alg\":\"HS256\",\"typ\":\"JOSE\",\"kid\":\"{kid}\"}}")) + "." + Base64Url.Encode(payload);
        var hs256 = hsHeader + "." + Base64Url.Encode(HMACSHA256.HashData(Encoding.ASCII.GetBytes(_key.PublicKey.ExportPem()), Encoding.ASCII.GetBytes(hsHeader)));
        string WithHeader(string header)
        {
            var input = Base64Url.Encode(Encoding.UTF8.GetBytes(header)) + "." + Base64Url.Encode(payload);
            return input + "." + Base64Url.Encode(_key.Sign(Encoding.ASCII.GetBytes(input)));
        }

        await AssertRefusedAsync(none, "ESP_RELEASE_ERR_ALG");
        await AssertRefusedAsync(hs256, "ESP_RELEASE_ERR_ALG");
        await AssertRefusedAsync(WithHeader($"{{\"alg\":\"none\",\"kid\":\"{kid}\"}}"), "ESP_RELEASE_ERR_ALG");
        await AssertRefusedAsync(WithHeader($"{{\"alg\":\"es256\",\"kid\":\"{kid}\"}}"), "ESP_RELEASE_ERR_ALG");
        await AssertRefusedAsync(WithHeader($"{{\"kid\":\"{kid}\"}}"), "ESP_RELEASE_ERR_ALG");
        await AssertRefusedAsync(WithHeader($"{{\"alg\":\"ES256\",\"kid\":\"{kid}\",\"crit\":[\"b64\"]}}"), "ESP_RELEASE_ERR_HEADER");
        await AssertRefusedAsync(WithHeader("{\"alg\":\"ES256\"}"), "ESP_RELEASE_ERR_HEADER");
        await AssertRefusedAsync(WithHeader($"{{\"alg\":\"ES256\",\"kid\":\"{kid}\",\"kid\":\"{_otherKey.KeyId}\"}}"), "ESP_RELEASE_ERR_HEADER");
        await AssertRefusedAsync(WithHeader("[\"ES256\"]"), "ESP_RELEASE_ERR_HEADER");
        // The header need not be byte for byte esp-release's: members in another order are still ES256.
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(WithHeader($"{{\"kid\":\"{kid}\",\"alg\":\"ES256\"}}"))).ExitCode);
    }

    [Fact]
    public async Task The_same_version_is_up_to_date_an_older_one_is_a_rollback_unless_the_device_refuses_older()
    {
        var older = Sign(Manifest with { Version = "1.2.9", Action = "rollback" });
        var newer = Sign(Manifest with { Version = "1.10.0" });
        var notSemver = Sign(Manifest with { Version = "qa-test-v5.0-20220830" });

        var same = await VerifyAsync(Sign(Manifest), Config(version: "1.4.0"));
        Assert.True(same.ExitCode == OtaCore.ExitUpToDate && same.Result == "ESP_RELEASE_UP_TO_DATE" && same.Values["sequence"] == "7", same.ToString());
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(older)).ExitCode); // docs/manifest.md step 9
        await AssertRefusedAsync(older, "ESP_RELEASE_ERR_DOWNGRADE", Config(extra: "--refuse-older"));
        await AssertRefusedAsync(Sign(Manifest with { Version = "1.4.0-rc.1" }), "ESP_RELEASE_ERR_DOWNGRADE", Config(version: "1.4.0", extra: "--refuse-older"));
        await AssertRefusedAsync(notSemver, "ESP_RELEASE_ERR_DOWNGRADE", Config(extra: "--refuse-older"));
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(newer, Config(version: "1.9.0", extra: "--refuse-older"))).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(Sign(Manifest with { Version = "1.4.0" }), Config(version: "v1.4.0-rc.2", extra: "--refuse-older"))).ExitCode);
    }

    [Fact]
    public async Task A_download_of_other_bytes_or_another_length_is_refused()
    {
        var jws = Sign(Manifest);
        var changed = (byte[])_firmware.Clone();
        changed[12345] ^= 1;

        var hash = await VerifyAsync(jws, Config(), changed);
        var shorter = await VerifyAsync(jws, Config(), _firmware[..^1]);
        var longer = await VerifyAsync(jws, Config(), [.. _firmware, 0]);

        Assert.True(hash.ExitCode == OtaCore.ExitDownloadRefused && hash.Download == "ESP_RELEASE_ERR_SHA256", hash.ToString());
        Assert.True(shorter.ExitCode == OtaCore.ExitDownloadRefused && shorter.Download == "ESP_RELEASE_ERR_SIZE", shorter.ToString());
        Assert.True(longer.ExitCode == OtaCore.ExitDownloadRefused && longer.Download == "ESP_RELEASE_ERR_SIZE", longer.ToString());
    }

    [Fact]
    public async Task Truncated_oversized_and_non_JWS_input_is_refused_before_the_signature()
    {
        var jws = Sign(Manifest).Trim();
        foreach (var cut in new[] { 0, 1, jws.IndexOf('.', StringComparison.Ordinal), jws.Length / 2, jws.LastIndexOf('.') + 1, jws.Length - 1 })
        {
            var result = await VerifyAsync(jws[..cut]);
            Assert.True(result.ExitCode == OtaCore.ExitRefused, $"cut at {cut}: {result}");
        }

        await AssertRefusedAsync(jws + new string(' ', 4096 - jws.Length + 1), "ESP_RELEASE_ERR_TOO_LARGE");
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(" \r\n" + jws + new string(' ', 4096 - jws.Length - 3))).ExitCode);
        await AssertRefusedAsync(new string('A', 3 * 1024 * 1024), "ESP_RELEASE_ERR_TOO_LARGE");
        await AssertRefusedAsync(jws + "." + jws, "ESP_RELEASE_ERR_MALFORMED");
        await AssertRefusedAsync("{\"schema\":\"esp-release/manifest/v1\"}", "ESP_RELEASE_ERR_MALFORMED");
        await AssertRefusedAsync(jws + "=", "ESP_RELEASE_ERR_SIGNATURE");
        await AssertRefusedAsync(jws + "AA", "ESP_RELEASE_ERR_SIGNATURE");
    }

    public static TheoryData<string> BadPayloads => new()
    {
        "not json at all",
        "[1,2,3]",
        "{\"schema\":\"esp-release/manifest/v1\"}",
        "{\"schema\":\"esp-release/manifest/v1\",\"channel\":\"stable\"} trailing",
        "",
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task A_signed_payload_that_is_not_a_manifest_is_refused(string payload)
    {
        await AssertRefusedAsync(CompactJws.Sign(Encoding.UTF8.GetBytes(payload), _key), "ESP_RELEASE_ERR_PAYLOAD");
    }

    public static TheoryData<string, string?> BadMembers => new()
    {
        { "sequence", "\"8\"" },
        { "sequence", "-1" },
        { "sequence", "7.5" },
        { "sequence", "9007199254740993" },
        { "secureVersion", "33" },
        { "chipId", "null" },
        { "version", "\"\"" },
        { "version", "\"12345678901234567890123456789012\"" },
        { "project", "\"blink\\u0000evil\"" },
        { "channel", "\"Stable\"" },
        { "created", "\"yesterday\"" },
        { "action", "\"delete\"" },
        { "elfSha256", "\"ABCDEF\"" },
        { "firmware", "\"blink.bin\"" },
        { "firmware.path", "\"/etc/passwd\"" },
        { "firmware.path", "\"https://evil.example/x.bin\"" },
        { "firmware.path", "\"..\\\\x.bin\"" },
        { "firmware.size", "-5" },
        { "firmware.sha256", $"\"{new string('A', 64)}\"" },
        { "firmware.sha256", null },
        { "channel", null },
        { "idfVersion", null },
    };

    /// <summary>Members of the wrong type, out of range, or missing (null here), signed: refused as a bad payload.</summary>
    [Theory]
    [MemberData(nameof(BadMembers))]
    public async Task A_signed_member_of_the_wrong_type_or_range_or_missing_is_refused(string path, string? json)
    {
        var jws = SignEdited(root =>
        {
            var (parent, name) = path.StartsWith("firmware.", StringComparison.Ordinal) ? (root["firmware"]!.AsObject(), path[9..]) : (root, path);
            if (json is null)
            {
                parent.Remove(name);
            }
            else
            {
                parent[name] = JsonNode.Parse(json);
            }
        });
        await AssertRefusedAsync(jws, "ESP_RELEASE_ERR_PAYLOAD");
    }

    [Fact]
    public async Task Escapes_are_decoded_unknown_members_ignored_and_a_member_given_twice_refused()
    {
        var payload = Encoding.UTF8.GetString(ManifestSerializer.Serialize(Manifest));
        var withEscape = CompactJws.Sign(Encoding.UTF8.GetBytes(payload.Replace("\"blink\"", "\"bl\\u0069nk\"", StringComparison.Ordinal)), _key);
        var unknown = SignEdited(root => root["releaseNotes"] = new JsonObject { ["url"] = "https://example.com/notes" });
        var twice = CompactJws.Sign(Encoding.UTF8.GetBytes(payload.Replace("\"channel\": \"stable\"", "\"channel\": \"stable\", \"channel\": \"beta\"", StringComparison.Ordinal)), _key);
        var deep = CompactJws.Sign(Encoding.UTF8.GetBytes(payload.Replace("\"action\": \"publish\"", "\"action\": \"publish\", \"x\": " + new string('[', 50) + new string(']', 50), StringComparison.Ordinal)), _key);

        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(withEscape)).ExitCode);
        Assert.Equal(OtaCore.ExitAccepted, (await VerifyAsync(unknown)).ExitCode);
        await AssertRefusedAsync(twice, "ESP_RELEASE_ERR_PAYLOAD");
        await AssertRefusedAsync(deep, "ESP_RELEASE_ERR_PAYLOAD");
    }

    /// <summary>
    /// The seeded mutation run: 300,000 inputs, every 20th through the whole check (ECDSA included), the
    /// rest through one stage each; no sanitizer report and no property broken. About 20 s on 2 cores.
    /// </summary>
    [Fact]
    public async Task Three_hundred_thousand_seeded_mutations_give_no_sanitizer_report()
    {
        var jws = File("base.jws", Encoding.ASCII.GetBytes(Sign(Manifest)));
        var args = Config("fuzz", extra: ["--jws", jws, "--seed", "20251009", "--count", "300000", "--full-every", "20"]);

        var result = await OtaCore.RunAsync(args, processTimeout: TimeSpan.FromSeconds(100));

        output.WriteLine(result.Stdout);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("300000", result.Values["inputs"]);
        Assert.Contains("jws 15000,", result.Values["stages"], StringComparison.Ordinal);
        Assert.DoesNotContain("Sanitizer", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime error", result.Stderr, StringComparison.Ordinal);
        Assert.True(double.Parse(result.Values["seconds"], CultureInfo.InvariantCulture) < 90, result.Stdout);
    }
}
