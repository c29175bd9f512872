using System.Diagnostics;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;

namespace EspRelease.Testing;

/// <summary>
/// Azurite, the Blob Storage emulator (npm, pinned by build/test.sh, which exports
/// <c>ESP_RELEASE_AZURITE</c>), as a child process on a free loopback port, over HTTPS with a
/// certificate from a CA made for the run, on a data folder that survives a stop, so a test can stop
/// it mid-upload and start it again on what was there.
/// </summary>
public sealed partial class Azurite : IAsyncDisposable
{
    public const string EnvironmentVariable = "ESP_RELEASE_AZURITE";

    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, in Azurite's README): nothing secret.</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);

    // Azurite's entry script requires its telemetry module, which loads the queue and table services'
    // generated code: ~3 s of a ~4 s start on this machine. The blob service never needs it (and
    // --disableTelemetry turns it off anyway), so the launcher puts a no-op in its place; the blob
    // server itself is Azurite's, unchanged. Without that module file (another Azurite layout) the
    // script runs as shipped.
    private const string Launcher = """
        const path = require('path');
        const main = process.argv[1];
        const telemetry = path.join(path.dirname(main), '..', 'common', 'Telemetry.js');
        const noop = new Proxy({}, { get: () => () => {} });
        require.cache[telemetry] = { id: telemetry, filename: telemetry, loaded: true, exports: { AzuriteTelemetryClient: noop } };
        require(main);
        """;

    private readonly ServerProcess _server = new("Azurite");

    private Azurite(string directory, X509Certificate2 ca, bool https)
    {
        Directory = directory;
        Https = https;
        DataDirectory = System.IO.Path.Combine(directory, "data");
        Ca = ca;
        CaPemFile = System.IO.Path.Combine(directory, "ca.pem");
        File.WriteAllText(CaPemFile, TestPki.ToPem(ca));

        // mbedtls before 3.5 matches an IP host against dNSName entries only: the IP goes in both.
        using var leaf = TestPki.CreateLeaf(ca, "127.0.0.1", dnsNames: ["127.0.0.1", "localhost"], ipAddresses: [IPAddress.Loopback]);
        CertificatePemFile = System.IO.Path.Combine(directory, "azurite.pem");
        KeyPemFile = System.IO.Path.Combine(directory, "azurite.key.pem");
        File.WriteAllText(CertificatePemFile, TestPki.ToPem(leaf));
        using var key = leaf.GetECDsaPrivateKey()!;
        File.WriteAllText(KeyPemFile, key.ExportPkcs8PrivateKeyPem() + "\n");
    }

    /// <summary>Where the certificates, the data folder and nothing else live.</summary>
    public string Directory { get; }

    /// <summary>Azurite's --location: blobs and metadata, kept across restarts.</summary>
    public string DataDirectory { get; }

    /// <summary>The CA that issued Azurite's certificate (what a device would embed).</summary>
    public X509Certificate2 Ca { get; }

    public string CaPemFile { get; }

    public string CertificatePemFile { get; }

    public string KeyPemFile { get; }

    /// <summary>The port of the running instance (a new one after each start).</summary>
    public int Port { get; private set; }

    /// <summary>The process id of the running instance.</summary>
    public int ProcessId => _server.ProcessId;

    /// <summary>False for Azurite as it starts by default, without --cert and --key: plain HTTP.</summary>
    public bool Https { get; }

    private string Scheme => Https ? "https" : "http";

    /// <summary>Path-style, as Azurite serves: https://127.0.0.1:PORT/devstoreaccount1.</summary>
    public Uri BlobEndpoint => new($"{Scheme}://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol={Scheme};AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>The environment a host opened on this instance needs: its connection string and the CA to trust.</summary>
    public Func<string, string?> Environment => name => name switch
    {
        "AZURE_STORAGE_CONNECTION_STRING" => ConnectionString,
        "ESP_RELEASE_AZURE_CA" => CaPemFile,
        _ => null,
    };

    /// <summary>An HTTP client, like a device's, that trusts only this run's CA (Azurite's certificate).</summary>
    public HttpClient CreateHttpClient() => TestPki.CreateHttpClient(Ca);

    /// <summary>Everything Azurite printed, for assertion messages.</summary>
    public string Log => _server.Log;

    /// <summary>The azurite-blob script: $ESP_RELEASE_AZURITE, else where build/test.sh installs it.</summary>
    public static string Script
    {
        get
        {
            var fromEnvironment = System.Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrEmpty(fromEnvironment))
            {
                return File.Exists(fromEnvironment)
                    ? fromEnvironment
                    : throw new InvalidOperationException($"{EnvironmentVariable} names '{fromEnvironment}', which does not exist. Run build/test.sh, which installs Azurite and sets it.");
            }

            var cache = System.Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : System.IO.Path.Combine(System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile), ".cache");
            var conventional = System.IO.Path.Combine(cache, "esp-release", "azurite-3.37.0", "node_modules", ".bin", "azurite-blob");
            return File.Exists(conventional)
                ? conventional
                : throw new InvalidOperationException($"Azurite is not installed: run build/test.sh (it installs azurite 3.37.0 from npm into {conventional} and sets {EnvironmentVariable}).");
        }
    }

    /// <summary>Starts an instance in a new folder under <paramref name="directory"/>; over HTTPS unless <paramref name="https"/> is false (Azurite's own default).</summary>
    public static async Task<Azurite> StartAsync(string directory, bool https = true)
    {
        System.IO.Directory.CreateDirectory(directory);
        var azurite = new Azurite(directory, TestPki.CreateRoot("esp-release test Azurite CA", rsa: true), https);
        await azurite.StartAsync();
        return azurite;
    }

    /// <summary>(Re)starts Azurite on the same data folder, on a new free port.</summary>
    public async Task StartAsync()
    {
        var script = Script;
        var main = new FileInfo(script).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? script;
        var start = new ProcessStartInfo("node");
        if (File.Exists(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(main)!, "..", "common", "Telemetry.js")))
        {
            start.ArgumentList.Add("-e");
            start.ArgumentList.Add(Launcher);
        }

        start.ArgumentList.Add(main);
        foreach (var argument in new[] { "--location", DataDirectory, "--blobHost", "127.0.0.1", "--blobPort", "0", "--disableTelemetry" }
            .Concat(Https ? ["--cert", CertificatePemFile, "--key", KeyPemFile] : []))
        {
            start.ArgumentList.Add(argument);
        }

        Port = await _server.StartAsync(start, Listening(), _startTimeout);
    }

    /// <summary>
    /// Stops Azurite. Graceful (SIGTERM) cuts the connections in flight and saves the metadata, as a
    /// durable service would have it; not graceful (SIGKILL) loses whatever Azurite had not saved yet
    /// (its metadata is autosaved every 5 s), which no real Blob Storage does.
    /// </summary>
    public Task StopAsync(bool graceful = true) => _server.StopAsync(graceful);

    public async Task RestartAsync()
    {
        await StopAsync();
        await StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Ca.Dispose();
    }

    [GeneratedRegex(@"successfully listens on https?://127\.0\.0\.1:(\d+)")]
    private static partial Regex Listening();
}
