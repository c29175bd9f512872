using System.Net;
using EspRelease.MSBuild.Tasks;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The tasks behind EspReleaseEmbedCa and EspReleasePatchSdkconfig, which write into the ESP-IDF
/// project: run with a fake build engine against the real tool, a real HTTPS server on 127.0.0.1
/// and a project whose main/CMakeLists.txt embeds its CA file next to a public key.
/// </summary>
public sealed class ProjectWritingTaskTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _project;

    public ProjectWritingTaskTests()
    {
        _project = _temp.Combine("firmware");
        Directory.CreateDirectory(Path.Combine(_project, "main"));
        Directory.CreateDirectory(Path.Combine(_project, "keys"));
        // The public key is listed first: the task must still write the CA file, not over the key.
        File.WriteAllText(Path.Combine(_project, "main", "CMakeLists.txt"), """
            idf_component_register(SRCS "main.c"
                                   EMBED_TXTFILES ${project_dir}/keys/signing-key.pub.pem ${project_dir}/server_certs/ca_cert.pem)
            """);
        File.WriteAllText(KeyFile, Core.Signing.SigningKey.Generate().PublicKey.ExportPem());
        File.WriteAllText(Path.Combine(_project, "main", "Kconfig.projbuild"), """
            menu "OTA"
                config FIRMWARE_URL
                    string "Firmware upgrade url endpoint"
                    default "https://192.168.0.3:8070/channels/stable.jws"
            endmenu
            """);
    }

    private string CaFile => Path.Combine(_project, "server_certs", "ca_cert.pem");

    private string KeyFile => Path.Combine(_project, "keys", "signing-key.pub.pem");

    [Fact]
    public async Task EmbedCa_writes_the_root_that_completes_the_servers_chain()
    {
        var root = TestPki.CreateRoot("Fleet Root");
        var intermediate = TestPki.CreateIntermediate(root, "Fleet Issuing CA");
        var leaf = TestPki.CreateLeaf(intermediate, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]);
        var site = _temp.Combine("site");
        Directory.CreateDirectory(site);
        await using var server = await TestHttpsServer.StartAsync(leaf, [intermediate], site, IPAddress.Loopback);
        var trust = _temp.Combine("root.pem");
        File.WriteAllText(trust, TestPki.ToPem(root));
        var key = File.ReadAllText(KeyFile);

        Assert.Equal(CaFile, EmbedCaFrom(server.Url("channels/stable.jws"), trust));

        var written = File.ReadAllText(CaFile);
        Assert.Contains(root.ExportCertificatePem().Split('\n')[1], written, StringComparison.Ordinal);
        Assert.DoesNotContain(intermediate.ExportCertificatePem().Split('\n')[1], written, StringComparison.Ordinal);
        Assert.Equal(key, File.ReadAllText(KeyFile));
    }

    [Fact]
    public async Task EmbedCa_works_against_openssl_s_server_which_never_answers_HEAD()
    {
        var root = TestPki.CreateRoot("Story Root");
        var leaf = TestPki.CreateLeaf(root, "127.0.0.1", dnsNames: ["127.0.0.1"], ipAddresses: [IPAddress.Loopback]);
        await using var server = MisbehavingServer.Start(Misbehavior.AnswersOnlyGet, leaf);
        var trust = _temp.Combine("root.pem");
        File.WriteAllText(trust, TestPki.ToPem(root));

        Assert.Equal(CaFile, EmbedCaFrom(server.Url("channels/stable.jws"), trust));

        Assert.Contains(root.ExportCertificatePem().Split('\n')[1], File.ReadAllText(CaFile), StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.StartsWith("GET ", r, StringComparison.Ordinal));
    }

    [Fact]
    public async Task EmbedCa_against_a_server_that_never_answers_fails_the_build_with_the_reason_in_time()
    {
        await using var server = MisbehavingServer.Start(Misbehavior.AcceptsAndNeverAnswers, null);
        var engine = new FakeBuildEngine(_temp.Combine("app.csproj"));
        var task = new EspReleaseEmbedCaTask { ProjectDirectory = _project, Url = server.Url("channels/stable.jws").ToString() };
        engine.Attach(task, _temp.Path);
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(task.Execute(), engine.Log);

        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(60));
        var error = engine.Errors.FirstOrDefault(e => e.Code != "ESPR1053") ?? throw new Xunit.Sdk.XunitException(engine.Log);
        Assert.True(error.Code == "ESPR1922", engine.Log);
        Assert.Contains("sent nothing in answer to the TLS hello within 10 s", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(CaFile));
    }

    [Fact]
    public void EmbedCa_with_the_development_CA_writes_it_into_the_project()
    {
        var engine = new FakeBuildEngine(_temp.Combine("app.csproj"));
        var task = new EspReleaseEmbedCaTask { ProjectDirectory = _project, DevelopmentCa = true };
        engine.Attach(task, _temp.Path);
        // The dev CA lives in the profile; this one in a temp folder (ToolTask passes it to the tool only).
        task.EnvironmentVariables = [$"ESP_RELEASE_HOME={_temp.Combine("home")}"];

        Assert.True(task.Execute(), engine.Log);

        Assert.Equal(CaFile, task.Result!.GetMetadata("CaFile"));
        // The project's CA file is the development CA made in the (temp) profile, and only it.
        var devCa = File.ReadAllText(_temp.Combine("home", "dev-ca", "ca.pem")).Split('\n')[1];
        var written = File.ReadAllText(CaFile);
        Assert.Contains(devCa, written, StringComparison.Ordinal);
        Assert.Single(written.Split("-----BEGIN CERTIFICATE-----")[1..]);
    }

    [Fact]
    public void EmbedCa_needs_exactly_one_of_a_URL_and_the_development_CA()
    {
        var engine = new FakeBuildEngine(_temp.Combine("app.csproj"));
        var task = new EspReleaseEmbedCaTask { ProjectDirectory = _project };
        engine.Attach(task, _temp.Path);

        Assert.False(task.Execute());

        Assert.Equal("ESPR1050", Assert.Single(engine.Errors).Code);
        Assert.False(File.Exists(CaFile));
    }

    [Fact]
    public void PatchSdkconfig_writes_the_url_into_sdkconfig_defaults_and_reports_the_files()
    {
        const string Url = "https://ota.example.com/fleet/channels/stable.jws";
        var engine = new FakeBuildEngine(_temp.Combine("app.csproj"));
        var task = new EspReleasePatchSdkconfigTask { ProjectDirectory = _project, Url = Url };
        engine.Attach(task, _temp.Path);

        Assert.True(task.Execute(), engine.Log);

        var defaults = Path.Combine(_project, "sdkconfig.defaults");
        Assert.Contains($"CONFIG_FIRMWARE_URL=\"{Url}\"", File.ReadAllText(defaults), StringComparison.Ordinal);
        Assert.Equal("CONFIG_FIRMWARE_URL", task.Result!.GetMetadata("Option"));
        Assert.Equal(defaults, task.Result.GetMetadata("ChangedFiles"));
    }

    public void Dispose() => _temp.Dispose();

    // Kept out of the async test, whose state machine then holds no MSBuild-typed field.
    private string EmbedCaFrom(Uri url, string trust)
    {
        var engine = new FakeBuildEngine(_temp.Combine("app.csproj"));
        var task = new EspReleaseEmbedCaTask
        {
            ProjectDirectory = _project,
            Url = url.ToString(),
            Trust = [new Microsoft.Build.Utilities.TaskItem(trust)],
        };
        engine.Attach(task, _temp.Path);
        Assert.True(task.Execute(), engine.Log);
        return task.Result!.GetMetadata("CaFile");
    }
}
