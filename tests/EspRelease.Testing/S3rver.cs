using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EspRelease.Testing;

/// <summary>
/// s3rver, an S3 server in Node (npm, pinned by build/test.sh, which exports <c>ESP_RELEASE_S3RVER</c>),
/// started through tests/s3rver/server.js as a child process on a free loopback port, over HTTPS with
/// a certificate from a CA made for the run, on a data folder that survives a stop. As shipped, it
/// does not check SigV4 signatures, ignores If-None-Match/If-Match on PUT and serves anonymous
/// requests; <see cref="S3rverMode.Aws"/> adds AWS's behaviour for all three (see server.js).
/// </summary>
public sealed partial class S3rver : IAsyncDisposable
{
    public const string EnvironmentVariable = "ESP_RELEASE_S3RVER";

    public const string Version = "3.7.1";

    /// <summary>s3rver's default credentials (public, in its README): nothing secret.</summary>
    public const string AccessKey = "S3RVER";

    public const string SecretKey = "S3RVER";

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    private readonly ServerProcess _server = new("s3rver");

    private S3rver(string directory, X509Certificate2 ca, string bucket, S3rverMode mode)
    {
        Directory = directory;
        Bucket = bucket;
        Mode = mode;
        DataDirectory = Path.Combine(directory, "data");
        Ca = ca;
        CaPemFile = Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaPemFile, TestPki.ToPem(ca));

        // mbedtls before 3.5 matches an IP host against dNSName entries only: the IP goes in both.
        using var leaf = TestPki.CreateLeaf(ca, "127.0.0.1", dnsNames: ["127.0.0.1", "localhost"], ipAddresses: [IPAddress.Loopback]);
        CertificatePemFile = Path.Combine(directory, "s3rver.pem");
        KeyPemFile = Path.Combine(directory, "s3rver.key.pem");
        File.WriteAllText(CertificatePemFile, TestPki.ToPem(leaf));
        using var key = leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(KeyPemFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    public string Directory { get; }

    public string DataDirectory { get; }

    public string Bucket { get; }

    public S3rverMode Mode { get; }

    public X509Certificate2 Ca { get; }

    public string CaPemFile { get; }

    public string CertificatePemFile { get; }

    public string KeyPemFile { get; }

    /// <summary>The port of the running instance (the same after a restart, so URLs stay valid).</summary>
    public int Port { get; private set; }

    public int ProcessId => _server.ProcessId;

    public Uri Endpoint => new($"https://127.0.0.1:{Port}");

    /// <summary>The environment a host opened on this instance needs: endpoint, credentials, the CA to trust.</summary>
    public Func<string, string?> Environment => name => name switch
    {
        "AWS_ENDPOINT_URL_S3" => Endpoint.AbsoluteUri,
        "AWS_ACCESS_KEY_ID" => AccessKey,
        "AWS_SECRET_ACCESS_KEY" => SecretKey,
        "ESP_RELEASE_S3_CA" => CaPemFile,
        _ => null,
    };

    /// <summary>The same as process environment entries, for a child process (the CLI under test).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables => new Dictionary<string, string>
    {
        ["AWS_ENDPOINT_URL_S3"] = Endpoint.AbsoluteUri,
        ["AWS_ACCESS_KEY_ID"] = AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = SecretKey,
        ["ESP_RELEASE_S3_CA"] = CaPemFile,
    };

    public string Log => _server.Log;

    /// <summary>s3rver's package folder: $ESP_RELEASE_S3RVER, else where build/test.sh installs it.</summary>
    public static string Package
    {
        get
        {
            var fromEnvironment = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return File.Exists(Path.Combine(fromEnvironment, "package.json"))
                    ? fromEnvironment
                    : throw new InvalidOperationException($"{EnvironmentVariable} names '{fromEnvironment}', which holds no package.json. Run build/test.sh, which installs s3rver and sets it.");
            }

            var cache = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache");
            var conventional = Path.Combine(cache, "esp-release", $"s3rver-{Version}", "node_modules", "s3rver");
            return File.Exists(Path.Combine(conventional, "package.json"))
                ? conventional
                : throw new InvalidOperationException($"s3rver is not installed: run build/test.sh (it installs s3rver {Version} from npm into {conventional} and sets {EnvironmentVariable}).");
        }
    }

    /// <summary>Starts an instance with one bucket in a new folder under <paramref name="directory"/>.</summary>
    public static async Task<S3rver> StartAsync(string directory, S3rverMode mode, string bucket = "firmware")
    {
        System.IO.Directory.CreateDirectory(directory);
        var server = new S3rver(directory, TestPki.CreateRoot("esp-release test s3rver CA"), bucket, mode);
        await server.StartAsync();
        return server;
    }

    /// <summary>(Re)starts s3rver on the same data folder, on the port it had (a free one the first time).</summary>
    public async Task StartAsync()
    {
        var start = new ProcessStartInfo("node");
        foreach (var argument in new[]
        {
            Repository.File("tests", "s3rver", "server.js"), "--module", Package, "--directory", DataDirectory,
            "--cert", CertificatePemFile, "--key", KeyPemFile, "--bucket", Bucket, "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Concat(Mode switch
        {
            S3rverMode.Aws => ["--aws"],
            S3rverMode.AwsPublic => ["--aws", "--public"],
            _ => [],
        }))
        {
            start.ArgumentList.Add(argument);
        }

        Port = await _server.StartAsync(start, Listening(), _startTimeout);
    }

    /// <summary>Kills s3rver at once (SIGKILL): connections in flight are cut, as when a server dies.</summary>
    public Task StopAsync() => _server.StopAsync(graceful: false);

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Ca.Dispose();
    }

    [GeneratedRegex(@"esp-release-s3rver listening on port (\d+)")]
    private static partial Regex Listening();
}

/// <summary>How tests/s3rver/server.js runs s3rver.</summary>
public enum S3rverMode
{
    /// <summary>s3rver as shipped: conditional PUTs ignored, anonymous requests served.</summary>
    Plain,

    /// <summary>AWS's behaviour added: SigV4 signatures checked, conditional PUTs honoured (412), unsigned requests refused (a private bucket).</summary>
    Aws,

    /// <summary>As <see cref="Aws"/>, but anonymous GET and HEAD are served (a public-read bucket).</summary>
    AwsPublic,
}

/// <summary>Two s3rvers (AWS-behaving, private; and plain) shared by a test collection; each test takes its own prefix.</summary>
public sealed class S3rverFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "esp-release-tests", Guid.NewGuid().ToString("n"));

    public S3rver Aws { get; private set; } = null!;

    public S3rver Plain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var aws = S3rver.StartAsync(Path.Combine(_directory, "aws"), S3rverMode.Aws);
        var plain = S3rver.StartAsync(Path.Combine(_directory, "plain"), S3rverMode.Plain);
        (Aws, Plain) = (await aws, await plain);
    }

    public async Task DisposeAsync()
    {
        await Aws.DisposeAsync();
        await Plain.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
