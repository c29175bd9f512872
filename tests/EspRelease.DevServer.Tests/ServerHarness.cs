using System.Collections.Concurrent;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspRelease.Core.Certificates;
using EspRelease.Testing;

namespace EspRelease.DevServer.Tests;

/// <summary>One development CA for the whole test class (RSA key generation is the slow part).</summary>
public sealed class DevCaFixture : IDisposable
{
    private readonly TempDirectory _temp = new();

    public DevCaFixture()
    {
        Authority = DevCertificateAuthority.LoadOrCreate(_temp.Combine("dev-ca"));
        var (addresses, names) = DevCertificateAuthority.MachineNames();
        ServerCertificate = Authority.IssueServerCertificate(names, addresses, TimeSpan.FromDays(30));
    }

    public DevCertificateAuthority Authority { get; }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The CA's PEM file, what a device embeds.</summary>
    public string CaFile => Authority.CertificatePath;

    public void Dispose()
    {
        ServerCertificate.Dispose();
        _temp.Dispose();
    }
}

/// <summary>A running DevServer over a folder with the fixture firmware, and what it logged.</summary>
public sealed class ServerHarness : IAsyncDisposable
{
    private readonly ConcurrentQueue<DevServerLogEntry> _log = new();
    private readonly SemaphoreSlim _logged = new(0);

    private ServerHarness(TempDirectory temp, DevServer server)
    {
        Temp = temp;
        Server = server;
    }

    public TempDirectory Temp { get; }

    public DevServer Server { get; }

    public string Root => Server.RootDirectory;

    public static byte[] Firmware => File.ReadAllBytes(Path.Combine(Fixtures.SimpleOtaBuild, "blink.bin"));

    public static string FirmwareSha => Convert.ToHexStringLower(SHA256.HashData(Firmware));

    public IReadOnlyList<DevServerLogEntry> Log => [.. _log];

    /// <summary>Serves blink.bin, manifest.json, manifest.jws, a folder and a private key on <paramref name="bind"/> (empty: dual-stack any) and port 0.</summary>
    public static async Task<ServerHarness> StartAsync(DevCaFixture ca, params IPAddress[] bind)
    {
        var temp = new TempDirectory();
        var root = temp.Combine("site");
        Directory.CreateDirectory(Path.Combine(root, "channels"));
        File.WriteAllBytes(Path.Combine(root, "blink.bin"), Firmware);
        File.WriteAllText(Path.Combine(root, "manifest.json"), "{\"version\":\"1.0.0\"}");
        File.WriteAllText(Path.Combine(root, "channels", "stable.jws"), "eyJhbGciOiJFUzI1NiJ9.e30.sig");
        using (var key = ECDsa.Create(ECCurve.NamedCurves.nistP256))
        {
            File.WriteAllText(Path.Combine(root, "signing-key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        File.WriteAllText(Path.Combine(root, "ca.pem"), ca.Authority.Certificate.ExportCertificatePem());
        ServerHarness? harness = null;
        var server = await DevServer.StartAsync(new DevServerOptions
        {
            RootDirectory = root,
            Port = 0,
            BindAddresses = bind,
            Certificate = ca.ServerCertificate,
            Log = entry => harness!.Add(entry),
        });
        harness = new ServerHarness(temp, server);
        return harness;
    }

    public Uri Url(IPAddress address, string path) =>
        new($"https://{(address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString())}:{Server.Port}/{path}");

    /// <summary>Waits until <paramref name="count"/> entries matching <paramref name="match"/> were logged (the log line is written as the connection ends, a moment after the client is done).</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> match, int count = 1)
        where T : DevServerLogEntry
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        while (true)
        {
            var found = _log.OfType<T>().Where(match).ToList();
            if (found.Count >= count)
            {
                return found;
            }

            try
            {
                await _logged.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"expected {count} matching {typeof(T).Name}; the log has:\n" + string.Join('\n', _log.Select(e => e.ToText())));
            }
        }
    }

    /// <summary>An HttpClient that trusts the development CA only, never decompresses, and speaks HTTP/1.1.</summary>
    public static HttpClient Client(DevCaFixture ca) => new(new SocketsHttpHandler
    {
        AutomaticDecompression = DecompressionMethods.None,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = TrustOnly(ca),
        },
    })
    {
        DefaultRequestVersion = HttpVersion.Version11,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>Sends raw bytes inside TLS and returns the raw response (for requests HttpClient would not send).</summary>
    public async Task<string> RawAsync(DevCaFixture ca, IPAddress address, string request)
    {
        using var tcp = new TcpClient(address.AddressFamily);
        await tcp.ConnectAsync(address, Server.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, TrustOnly(ca));
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost", ApplicationProtocols = [SslApplicationProtocol.Http11] });
        await tls.WriteAsync(Encoding.Latin1.GetBytes(request));
        await tls.FlushAsync();
        using var reader = new StreamReader(tls, Encoding.Latin1);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        return await reader.ReadToEndAsync(timeout.Token);
    }

    /// <summary>Accepts a server certificate only when it chains to the development CA.</summary>
    private static RemoteCertificateValidationCallback TrustOnly(DevCaFixture ca) => (_, certificate, _, _) =>
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Authority.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return certificate is not null && chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        _logged.Dispose();
        Temp.Dispose();
    }

    private void Add(DevServerLogEntry entry)
    {
        _log.Enqueue(entry);
        _logged.Release();
    }
}
