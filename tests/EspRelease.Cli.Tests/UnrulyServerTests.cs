using System.Diagnostics;
using System.Net;
using System.Text.Json;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Every command that talks to a server, against servers that misbehave the way real ones do: one
/// that accepts and never answers, one that answers only GET (openssl s_server -WWW), one that
/// closes mid-headers, plain HTTP on the https port, and one that listens on IPv6 only while the
/// URL says IPv4. Each run must end within its bound, say why on stderr (with --json, an "ok": false
/// document naming the step) and exit with the documented code.
/// </summary>
public sealed class UnrulyServerTests : IDisposable
{
    /// <summary>Far above what a run with --timeout 2 needs; a hang would blow it.</summary>
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _temp = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _root = TestPki.CreateRoot("Unruly Root");
    private readonly string _caFile;

    public UnrulyServerTests()
    {
        _caFile = _temp.Combine("ca.pem");
        File.WriteAllText(_caFile, TestPki.ToPem(_root));
    }

    public void Dispose() => _temp.Dispose();

    public static TheoryData<Misbehavior, string, int, string, string?> DeviceWayCases => new()
    {
        // server, command, exit, code, what stderr says
        { Misbehavior.AcceptsAndNeverAnswers, "ca check", 3, "ESPR1922", "sent nothing in answer to the TLS hello" },
        { Misbehavior.AcceptsAndNeverAnswers, "ca fetch", 3, "ESPR1922", "sent nothing in answer to the TLS hello" },
        { Misbehavior.AcceptsAndNeverAnswers, "probe", 3, "ESPR1922", "sent nothing in answer to the TLS hello" },
        { Misbehavior.AnswersOnlyGet, "ca check", 0, "", null },
        { Misbehavior.AnswersOnlyGet, "ca fetch", 0, "", null },
        { Misbehavior.AnswersOnlyGet, "probe", 2, "ESPR1673", "(it does not answer HEAD)" },
        { Misbehavior.ClosesMidHeaders, "ca check", 0, "ESPR2920", "in the middle of the response headers" },
        { Misbehavior.ClosesMidHeaders, "ca fetch", 0, "ESPR2920", "in the middle of the response headers" },
        { Misbehavior.ClosesMidHeaders, "probe", 3, "ESPR1923", "in the middle of the response headers" },
        { Misbehavior.PlainHttp, "ca check", 3, "ESPR1922", "speaks plain HTTP, not TLS" },
        { Misbehavior.PlainHttp, "ca fetch", 3, "ESPR1922", "speaks plain HTTP, not TLS" },
        { Misbehavior.PlainHttp, "probe", 3, "ESPR1922", "speaks plain HTTP, not TLS" },
    };

    [Theory]
    [MemberData(nameof(DeviceWayCases))]
    public async Task Each_command_ends_in_time_and_says_why(Misbehavior behavior, string command, int exit, string code, string? says)
    {
        await using var server = MisbehavingServer.Start(behavior, Leaf());

        var (text, json) = await RunTwiceAsync(command, server.Url("firmware.bin"));

        Assert.True(text.Exit == exit, $"exit {text.Exit}\n{text.Out}\n{text.Err}");
        Assert.Contains(code, text.Err, StringComparison.Ordinal);
        if (says is not null)
        {
            Assert.Contains(says, text.Err, StringComparison.Ordinal);
        }

        Assert.Equal(exit, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(exit == 0, doc.RootElement.GetProperty("ok").GetBoolean());
        if (exit == 3)
        {
            // The failure names the step and the address, and quotes the device.
            var error = doc.RootElement.GetProperty("errors").EnumerateArray().First(e => e.GetProperty("code").GetString() == code);
            Assert.Equal($"127.0.0.1:{server.Port}", error.GetProperty("address").GetString());
            Assert.False(string.IsNullOrEmpty(error.GetProperty("phase").GetString()));
            Assert.Contains("(esp", error.GetProperty("deviceLog").GetString(), StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("ca check")]
    [InlineData("ca fetch")]
    [InlineData("probe")]
    public async Task A_server_on_IPv6_only_is_named_as_such_when_the_URL_says_IPv4(string command)
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AnswersOnlyGet, Leaf(), IPAddress.IPv6Loopback);
        var url = new Uri($"https://127.0.0.1:{server.Port}/firmware.bin");

        var (text, json) = await RunTwiceAsync(command, url);

        Assert.True(text.Exit == 3, text.Err);
        Assert.Contains("ESPR1920", text.Err, StringComparison.Ordinal);
        Assert.Contains($"but [::1]:{server.Port} does: the server listens on IPv6 only", text.Err, StringComparison.Ordinal);
        Assert.Contains("Failed to connnect to host (errno 113)", text.Err, StringComparison.Ordinal);
        Assert.Contains($"-accept 0.0.0.0:{server.Port}", text.Err, StringComparison.Ordinal);
        Assert.Contains("esp-release serve", text.Err, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal("connect", doc.RootElement.GetProperty("errors")[0].GetProperty("phase").GetString());
    }

    [Fact]
    public async Task Nothing_listening_at_all_is_a_refusal_that_names_the_address()
    {
        int port;
        using (var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var (text, _) = await RunTwiceAsync("probe", new Uri($"https://127.0.0.1:{port}/firmware.bin"));

        Assert.True(text.Exit == 3, text.Err);
        Assert.Contains($"127.0.0.1:{port} refused the connection", text.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_default_limits_are_the_devices_own()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AcceptsAndNeverAnswers, Leaf());
        var clock = Stopwatch.StartNew();

        var run = await CliRunner.Run("ca", "check", _caFile, "--url", server.Url("firmware.bin").ToString());

        Assert.Equal(3, run.Exit);
        Assert.Contains("within 10 s", run.Err, StringComparison.Ordinal);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(9), Bound);
    }

    [Theory]
    [InlineData(Misbehavior.AcceptsAndNeverAnswers, "no answer within the network timeout")]
    [InlineData(Misbehavior.ClosesMidHeaders, "cannot reach Azure Blob Storage while reading")]
    [InlineData(Misbehavior.PlainHttp, "the endpoint does not speak TLS")]
    public async Task Publish_to_an_Azure_endpoint_that_misbehaves_fails_in_time_with_the_reason(Misbehavior behavior, string says)
    {
        await using var server = MisbehavingServer.Start(behavior, Leaf());
        var environment = AzureEnvironment(server.BaseUrl);
        var clock = Stopwatch.StartNew();

        var run = await CliRunner.RunProcess(environment, "publish", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--to", $"azure://{Azurite.AccountName}/fleet", "--key", KeyFile());
        var json = await CliRunner.RunProcess(environment, "publish", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--to", $"azure://{Azurite.AccountName}/fleet", "--key", KeyFile(), "--json");

        Assert.True(run.Exit == 3, run.Err);
        Assert.Contains("ESPR1624", run.Err, StringComparison.Ordinal);
        Assert.Contains(says, run.Err, StringComparison.Ordinal);
        Assert.Equal(3, json.Exit);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.False(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, 2 * Bound);
    }

    [Fact]
    public async Task Publish_to_an_Azure_endpoint_on_IPv6_only_fails_in_time()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AnswersOnlyGet, Leaf(), IPAddress.IPv6Loopback);

        var run = await CliRunner.RunProcess(AzureEnvironment(new Uri($"https://127.0.0.1:{server.Port}/")), "publish", BuildDirectoryBuilder.Create(_temp, "1.0.0"), "--to", $"azure://{Azurite.AccountName}/fleet", "--key", KeyFile());

        Assert.True(run.Exit == 3, run.Err);
        Assert.Contains("Connection refused", run.Err, StringComparison.Ordinal);
    }

    // Credentials for an endpoint at the misbehaving server; short per-try timeouts and one retry, so a test takes seconds.
    private Dictionary<string, string?> AzureEnvironment(Uri server) => new()
    {
        ["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=https;AccountName={Azurite.AccountName};AccountKey={Azurite.AccountKey};BlobEndpoint={new Uri(server, Azurite.AccountName)};",
        ["ESP_RELEASE_AZURE_CA"] = _caFile,
        ["AZURE_STORAGE_SAS_TOKEN"] = null,
        ["ESP_RELEASE_HOST_TIMEOUT"] = "2",
        ["ESP_RELEASE_HOST_RETRIES"] = "1",
    };

    private string KeyFile()
    {
        var path = _temp.Combine("signing-key.pem");
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Core.Signing.SigningKey.Generate().ExportPkcs8Pem());
        }

        return path;
    }

    private System.Security.Cryptography.X509Certificates.X509Certificate2 Leaf() =>
        TestPki.CreateLeaf(_root, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback, IPAddress.IPv6Loopback]);

    // The command in text and in --json, each held to the bound.
    private async Task<((int Exit, string Out, string Err) Text, (int Exit, string Out, string Err) Json)> RunTwiceAsync(string command, Uri url)
    {
        var args = command switch
        {
            "ca check" => new[] { "ca", "check", _caFile, "--url", url.ToString() },
            "ca fetch" => ["ca", "fetch", url.ToString(), "--trust", _caFile, "--out", _temp.Combine($"fetched-{Guid.NewGuid():n}.pem")],
            _ => ["probe", url.ToString(), "--ca", _caFile],
        };
        args = [.. args, "--timeout", "2"];
        var clock = Stopwatch.StartNew();
        var text = await CliRunner.Run(args).WaitAsync(Bound);
        var json = await CliRunner.Run([.. args, "--json"]).WaitAsync(Bound);
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, Bound);
        return (text, json);
    }
}
