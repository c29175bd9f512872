using System.Diagnostics;
using System.Text.Json;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class CliAzuriteTestGroup : ICollectionFixture<AzuriteFixture>
{
    public const string Name = "CLI on Azurite";
}

/// <summary>
/// <c>publish/verify/promote/rollback</c> with an <c>azure://</c> host, as users run the tool: a child
/// process whose credentials come from its environment (never a flag). What it prints is checked for
/// the device URL and, everywhere, for the absence of the SAS signature.
/// </summary>
[Collection(CliAzuriteTestGroup.Name)]
public sealed class AzurePublishCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly Azurite _azurite;
    private readonly string _address = $"azure://{Azurite.AccountName}/cli-{Guid.NewGuid():n}";
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly string _keyFile;

    public AzurePublishCommandTests(AzuriteFixture fixture)
    {
        _azurite = fixture.Azurite;
        _keyFile = _temp.Combine("key.pem");
        File.WriteAllText(_keyFile, _key.ExportPkcs8Pem());
    }

    public void Dispose() => _temp.Dispose();

    private Dictionary<string, string?> Environment(string? connectionString = null) => new()
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = connectionString ?? _azurite.ConnectionString,
        ["ESP_RELEASE_AZURE_CA"] = _azurite.CaPemFile,
        ["AZURE_STORAGE_SAS_TOKEN"] = null,
        ["SOURCE_DATE_EPOCH"] = "1767225600",
    };

    private Task<(int Exit, string Out, string Err)> Tool(params string[] args) => CliRunner.RunProcess(Environment(), args);

    private string Build(string version, int appBytes = 64 * 1024) => BuildDirectoryBuilder.Create(_temp, version, appBytes: appBytes);

    private AzureBlobHost Host() => AzureBlobHost.Open(_address, _azurite.Environment);

    [Fact]
    public async Task Publish_prints_the_device_URL_redacted_unless_asked_and_the_printed_URL_is_what_a_device_downloads()
    {
        var redacted = await Tool("publish", Build("1.0.0"), "--to", _address, "--key", _keyFile);
        var shown = await Tool("publish", Build("1.1.0"), "--to", _address, "--key", _keyFile, "--show-sas", "--sas-days", "30");
        var json = await Tool("publish", Build("1.2.0"), "--to", _address, "--key", _keyFile, "--json");

        Assert.True(redacted.Exit == 0, redacted.Err);
        Assert.True(shown.Exit == 0, shown.Err);
        Assert.True(json.Exit == 0, json.Err);
        Assert.Contains($"device URL: {_azurite.BlobEndpoint}/{_address.Split('/')[^1]}/channels/stable.jws?<redacted> (--show-sas prints it whole)", redacted.Out, StringComparison.Ordinal);
        Assert.Contains("stored access policy 'esp-release-read'", redacted.Out, StringComparison.Ordinal);
        Assert.Matches(@"request:   GET line \d+ bytes \(pointer\), \d+ \(firmware\): fits esp_http_client's default 512-byte buffer_size_tx", redacted.Out);
        foreach (var text in new[] { redacted.Out, redacted.Err, shown.Err, json.Out, json.Err })
        {
            Assert.DoesNotContain("sig=", text, StringComparison.Ordinal);
        }

        using (JsonDocument.Parse(json.Out))
        {
        }

        // --show-sas: the whole URL, on stdout only; a device fetches the pointer with it.
        var lines = shown.Out.Split('\n');
        var marker = Array.FindIndex(lines, l => l.Contains("device URL (holds a read-only SAS", StringComparison.Ordinal));
        Assert.True(marker >= 0, shown.Out);
        var url = new Uri(lines[marker + 1].Trim());
        Assert.Contains("sig=", url.Query, StringComparison.Ordinal);
        var device = await DeviceSim.GetAsync(url, _azurite.CaPemFile);
        Assert.True(device.Status == 200, device.ToString());
        Assert.Equal(device.ContentLength, (await Host().ReadAsync("channels/stable.jws", CancellationToken.None))!.Content.Length);
    }

    [Fact]
    public async Task Verify_promote_and_rollback_take_an_azure_host()
    {
        Assert.Equal(0, (await Tool("publish", Build("1.0.0"), "--to", _address, "--key", _keyFile)).Exit);
        Assert.Equal(0, (await Tool("publish", Build("1.1.0"), "--to", _address, "--key", _keyFile, "--channel", "beta")).Exit);

        var promote = await Tool("promote", "--from", "beta", "--to", "stable", "--version", "1.1.0", "--host", _address, "--key", _keyFile);
        var rollback = await Tool("rollback", "--channel", "stable", "--host", _address, "--key", _keyFile);
        var verify = await Tool("verify", _address, "--key", _keyFile, "--json");

        Assert.True(promote.Exit == 0, promote.Err);
        Assert.True(rollback.Exit == 0, rollback.Err);
        Assert.True(verify.Exit == 0, verify.Err);
        using var doc = JsonDocument.Parse(verify.Out);
        var versions = doc.RootElement.GetProperty("verified").EnumerateArray()
            .Select(v => (v.GetProperty("payload").GetProperty("channel").GetString(), v.GetProperty("payload").GetProperty("version").GetString()))
            .OrderBy(v => v.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal([("beta", "1.1.0"), ("stable", "1.0.0")], versions);
    }

    [Fact]
    public async Task Failures_exit_with_the_documented_codes_and_never_print_a_signature()
    {
        Assert.Equal(0, (await Tool("publish", Build("1.0.0", appBytes: 4096), "--to", _address, "--key", _keyFile)).Exit);
        var sas = "sv=2026-06-06&sr=c&si=esp-release-read&sig=c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ%3D%3D";

        var conflict = await Tool("publish", Build("1.0.0", appBytes: 8192), "--to", _address, "--key", _keyFile, "--channel", "beta");
        var forged = await CliRunner.RunProcess(Environment($"BlobEndpoint={_azurite.BlobEndpoint};SharedAccessSignature={sas}"),
            "verify", _address, "--key", _keyFile);
        var pasted = await Tool("publish", Build("1.1.0"), "--to", $"{_address}?{sas}", "--key", _keyFile);
        var badDays = await Tool("publish", Build("1.1.0"), "--to", _address, "--key", _keyFile, "--sas-days", "0");
        var wordDays = await Tool("publish", Build("1.1.0"), "--to", _address, "--key", _keyFile, "--sas-days", "year");

        Assert.Equal(2, conflict.Exit);
        Assert.Contains("ESPR1603", conflict.Err, StringComparison.Ordinal);
        Assert.Contains("never overwritten", conflict.Err, StringComparison.Ordinal);
        Assert.Equal(3, forged.Exit);
        Assert.Contains($"error ESPR1621: {_azurite.BlobEndpoint}/{_address.Split('/')[^1]}/channels/: Azure Blob Storage answered 403 AuthorizationFailure while listing", forged.Err, StringComparison.Ordinal);
        Assert.Equal(1, pasted.Exit);
        Assert.Contains("ESPR1601", pasted.Err, StringComparison.Ordinal);
        Assert.Contains("?<redacted>", pasted.Err, StringComparison.Ordinal);
        Assert.Equal(1, badDays.Exit);
        Assert.Contains("--sas-days: expected a whole number of days from 1 to 36500, found \"0\"", badDays.Err, StringComparison.Ordinal);
        Assert.Equal(1, wordDays.Exit);
        Assert.Contains("found \"year\"", wordDays.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", wordDays.Err, StringComparison.Ordinal);
        foreach (var (_, stdout, stderr) in new[] { conflict, forged, pasted, badDays, wordDays })
        {
            Assert.DoesNotContain("c2VjcmV0", stdout + stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("sig=", stdout + stderr, StringComparison.Ordinal);
            Assert.DoesNotContain(Azurite.AccountKey[..20], stdout + stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// Start-up is part of every command's cost: the Azure SDK loads only for an azure:// host. The tool
    /// runs from a copy of its folder without the SDK's assemblies (and without deps.json, which would
    /// name them): a folder host still packs, publishes and verifies; an azure:// host says what is missing.
    /// </summary>
    [Fact]
    public async Task Other_hosts_never_load_the_Azure_SDK()
    {
        var tool = _temp.Combine("tool-without-azure");
        Directory.CreateDirectory(tool);
        string[] azure = ["Azure.", "Microsoft.Identity", "Apache.Arrow", "System.ClientModel"];
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            var name = Path.GetFileName(file);
            if ((name.EndsWith(".dll", StringComparison.Ordinal) || name == "esp-release.runtimeconfig.json") && !azure.Any(a => name.StartsWith(a, StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(tool, name));
            }
        }

        async Task<(int Exit, string Err)> Run(params string[] args)
        {
            var start = CliRunner.ProcessStart(Environment(), args);
            start.ArgumentList[0] = Path.Combine(tool, "esp-release.dll");
            var (exit, _, stderr) = await CliRunner.RunProcess(start, args);
            return (exit, stderr);
        }

        var site = "dir:" + _temp.Combine("site");
        var publish = await Run("publish", Build("1.0.0"), "--to", site, "--key", _keyFile);
        var verify = await Run("verify", site, "--key", _keyFile);
        var onAzure = await Run("verify", _address, "--key", _keyFile);

        Assert.True(publish.Exit == 0, publish.Err);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.NotEqual(0, onAzure.Exit);
        Assert.Contains("Azure.Storage.Blobs", onAzure.Err, StringComparison.Ordinal);
    }

    /// <summary>
    /// ProcessTests' crash test on Azure Blob: <c>publish</c> killed at random moments, many times. After
    /// every kill the channel pointer verifies and names a complete firmware; a rerun completes the publish.
    /// </summary>
    [Fact]
    public async Task A_publish_to_Azure_killed_at_any_point_never_leaves_a_pointer_to_a_missing_or_partial_firmware()
    {
        const int Trials = 10;
        var releases = Enumerable.Range(0, Trials + 1).Select(i => Pack($"1.0.{i}")).ToList();
        var host = Host();

        var clock = Stopwatch.StartNew();
        var baseline = await Tool("publish", releases[0], "--to", _address, "--key", _keyFile);
        var runTime = clock.Elapsed;
        Assert.True(baseline.Exit == 0, baseline.Err);

        var random = new Random(20261126);
        var (killedBefore, killedAfter) = (0, 0);
        for (var i = 1; i <= Trials; i++)
        {
            var previous = (await ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None)).Manifest.Version;
            using (var process = Process.Start(CliRunner.ProcessStart(Environment(), "publish", releases[i], "--to", _address, "--key", _keyFile))!)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(random.NextDouble() * runTime.TotalMilliseconds * 1.1));
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                await process.WaitForExitAsync();
            }

            var now = await ReleaseDirectory.VerifyChannelAsync(host, "stable", [_key.PublicKey], CancellationToken.None);
            Assert.True(now.Firmware.Valid);
            Assert.Contains(now.Manifest.Version, new[] { previous, $"1.0.{i}" });
            if (now.Manifest.Version == previous)
            {
                killedBefore++;
                var rerun = await Tool("publish", releases[i], "--to", _address, "--key", _keyFile);
                Assert.True(rerun.Exit == 0, $"trial {i}: the publish after a kill failed: {rerun.Err}");
            }
            else
            {
                killedAfter++;
            }
        }

        var state = await ChannelState.ReadAsync(host, "stable", [_key.PublicKey], CancellationToken.None);
        Assert.Equal(Trials + 1, state.Current!.Manifest.Sequence);
        Assert.Equal($"1.0.{Trials}", state.Current.Manifest.Version);
        Assert.True(killedBefore > 0, $"no kill landed before the pointer was replaced ({killedAfter} after); the trial timing is off");
    }

    private string Pack(string version)
    {
        var dir = _temp.Combine("releases", version);
        ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = BuildDirectoryBuilder.Create(_temp, version, appBytes: 400 * 1024),
            OutputDirectory = dir,
            Key = _key,
            Created = DateTimeOffset.FromUnixTimeSeconds(1767225600),
        });
        return dir;
    }
}
