using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;

namespace EspRelease.Testing;

/// <summary>
/// A Kestrel HTTPS server on one loopback address and a free port, serving the files under a directory
/// (GET, HEAD, single Range → 206/416, Content-Length, application/octet-stream, no compression) with exactly
/// the given certificate chain. Starting one is cheap: make a new server for each certificate setup.
/// </summary>
public sealed class TestHttpsServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestHttpsServer(WebApplication app, Uri baseUrl, IReadOnlyList<X509Certificate2> intermediatesSent)
    {
        _app = app;
        BaseUrl = baseUrl;
        IntermediatesSent = intermediatesSent;
    }

    /// <summary>https://127.0.0.1:port/ or https://[::1]:port/.</summary>
    public Uri BaseUrl { get; }

    public int Port => BaseUrl.Port;

    /// <summary>
    /// The certificates sent after the leaf, as .NET decided them: the chain built from the leaf through the given
    /// intermediates, minus a self-signed root at its top (see <see cref="StartAsync"/>).
    /// </summary>
    public IReadOnlyList<X509Certificate2> IntermediatesSent { get; }

    /// <summary>The URL of a file under the served directory (forward slashes).</summary>
    public Uri Url(string relativePath) => new(BaseUrl, relativePath);

    /// <summary>
    /// Starts serving <paramref name="rootDirectory"/> on <paramref name="address"/> (a loopback address) and port 0.
    /// The TLS handshake sends <paramref name="leafWithPrivateKey"/> followed by <paramref name="intermediatesToSend"/>
    /// (none: the leaf alone). The chain is fixed up front with SslStreamCertificateContext (offline, so nothing is
    /// downloaded); like any .NET server on Linux it sends only certificates that chain from the leaf, in chain order,
    /// and drops a self-signed root at the top.
    /// </summary>
    public static async Task<TestHttpsServer> StartAsync(
        X509Certificate2 leafWithPrivateKey,
        IReadOnlyList<X509Certificate2> intermediatesToSend,
        string rootDirectory,
        IPAddress address,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leafWithPrivateKey);
        ArgumentNullException.ThrowIfNull(intermediatesToSend);
        ArgumentNullException.ThrowIfNull(address);
        if (!leafWithPrivateKey.HasPrivateKey)
        {
            throw new ArgumentException("the leaf needs its private key", nameof(leafWithPrivateKey));
        }

        if (!IPAddress.IsLoopback(address))
        {
            throw new ArgumentException("tests serve on loopback addresses only", nameof(address));
        }

        var root = Path.GetFullPath(rootDirectory);
        var leaf = OperatingSystem.IsWindows()
            // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives it a persisted one.
            ? X509CertificateLoader.LoadPkcs12(leafWithPrivateKey.Export(X509ContentType.Pkcs12), null)
            : leafWithPrivateKey;
        var context = SslStreamCertificateContext.Create(leaf, [.. intermediatesToSend], offline: true);
        var tls = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        };

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = root });
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = _ => ValueTask.FromResult(tls),
                });
            });
        });

        var app = builder.Build();
        var contentTypes = new FileExtensionContentTypeProvider();
        contentTypes.Mappings[".bin"] = "application/octet-stream";
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new PhysicalFileProvider(root),
            ContentTypeProvider = contentTypes,
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
        });

        try
        {
            await app.StartAsync(cancellationToken);
            var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                ?? throw new InvalidOperationException("Kestrel reported no address.");
            var port = new Uri(bound).Port;
            var host = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
            return new TestHttpsServer(app, new Uri($"https://{host}:{port}/"), [.. context.IntermediateCertificates]);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stop.Token);
        }

        await _app.DisposeAsync();
    }
}
