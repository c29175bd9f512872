using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EspRelease.DevServer;

/// <summary>
/// The development HTTPS server: Kestrel, HTTP/1.1 only (what esp_http_client speaks, so PC tests see the same
/// protocol), TLS with a certificate from the development CA, the files of one folder with GET and HEAD,
/// single ranges (206/416), Content-Length, never compressed, no directory listing. By default it listens on
/// one dual-stack socket: IPv4 and IPv6 on the same port.
/// </summary>
public sealed class DevServer : IAsyncDisposable
{
    /// <summary>The port of ESP-IDF's OTA examples (<c>openssl s_server -WWW -accept 8070</c>).</summary>
    public const int DefaultPort = 8070;

    private readonly WebApplication _app;

    private DevServer(WebApplication app, int port, IReadOnlyList<IPEndPoint> endPoints, string root)
    {
        _app = app;
        Port = port;
        EndPoints = endPoints;
        RootDirectory = root;
    }

    /// <summary>The port every listening address uses.</summary>
    public int Port { get; }

    /// <summary>What it listens on: <c>[::]:port</c> alone for the dual-stack default.</summary>
    public IReadOnlyList<IPEndPoint> EndPoints { get; }

    /// <summary>True when one socket takes both IPv4 and IPv6 clients.</summary>
    public bool DualStack => EndPoints is [{ } only] && only.Address.Equals(IPAddress.IPv6Any);

    public string RootDirectory { get; }

    /// <summary>Starts serving; returns once the sockets listen.</summary>
    /// <exception cref="EspReleaseException">The folder does not exist (usage), or the port or an address cannot be used (host).</exception>
    public static async Task<DevServer> StartAsync(DevServerOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var root = Path.GetFullPath(options.RootDirectory);
        if (!Directory.Exists(root))
        {
            throw DirectoryNotFound(root);
        }

        var capture = new KestrelEventCapture();
        var watch = new ConnectionWatch(options.Log, capture, options.Time);
        capture.BadRequest = (connectionId, reason) => options.Log(new RequestLogEntry(
            options.Time.GetUtcNow(), watch.Find(connectionId)?.Client, "-", "-", null, StatusCodes.Status400BadRequest, 0, TimeSpan.Zero, null)
        {
            Note = $"refused by Kestrel before it was read: {reason}",
        });

        var tls = TlsOptions(options.Certificate);
        var (port, prebound) = options.Port == 0 && options.BindAddresses.Count > 1 ? PreBind(options.BindAddresses) : (options.Port, []);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = root, ApplicationName = "esp-release" });
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(capture);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        // The command owns start and stop (Ctrl+C arrives as its cancellation token); the host's console
        // lifetime would add its own signal handlers, once per server in a test process.
        builder.Services.AddSingleton<IHostLifetime, CommandLifetime>();
        builder.WebHost.UseSockets(sockets => sockets.CreateBoundListenSocket = endPoint =>
            endPoint is IPEndPoint ip && prebound.Remove(ip, out var socket) ? socket : SocketTransportOptions.CreateDefaultBoundListenSocket(endPoint));
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            void Configure(ListenOptions listen)
            {
                listen.Protocols = HttpProtocols.Http1;
                listen.Use(watch.BeforeTls);
                listen.UseHttps(new TlsHandshakeCallbackOptions { OnConnection = _ => ValueTask.FromResult(tls), HandshakeTimeout = options.HandshakeTimeout });
                listen.Use(ConnectionWatch.AfterTls);
            }

            if (options.BindAddresses.Count == 0)
            {
                // [::] with IPV6_V6ONLY off (Kestrel sets DualMode for IPv6Any), or 0.0.0.0 where IPv6 is unavailable.
                kestrel.ListenAnyIP(port, Configure);
            }
            else
            {
                foreach (var address in options.BindAddresses)
                {
                    kestrel.Listen(address, port, Configure);
                }
            }
        });

        var app = builder.Build();
        var files = new PhysicalFileProvider(root);
        app.UseMiddleware<RequestLogMiddleware>(options.Log, options.Time);
        app.UseMiddleware<KeyFileGuard>(files);
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            ContentTypeProvider = ContentTypes(),
            ServeUnknownFileTypes = true,
            DefaultContentType = "application/octet-stream",
            // Files change with every build; a browser or proxy must not keep an old image.
            OnPrepareResponse = file => file.Context.Response.Headers.CacheControl = "no-cache",
        });
        app.Run(context =>
        {
            // No directory listing, no index page: a folder, a missing file, or another method.
            var readOnly = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
            context.Response.StatusCode = readOnly ? StatusCodes.Status404NotFound : StatusCodes.Status405MethodNotAllowed;
            if (!readOnly)
            {
                context.Response.Headers.Allow = "GET, HEAD";
            }

            return Task.CompletedTask;
        });

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException e)
        {
            await app.DisposeAsync();
            throw ListenFailure(e, options, port);
        }
        finally
        {
            foreach (var socket in prebound.Values)
            {
                socket.Dispose();
            }
        }

        var bound = ListenEndPoints(app, options, port);
        return new DevServer(app, bound[0].Port, bound, root);
    }

    /// <summary>Stops listening, gives open requests a moment to finish, then closes them.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        using var timeout = new CancellationTokenSource(grace);
        await _app.StopAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(TimeSpan.FromSeconds(1));
        await _app.DisposeAsync();
    }

    internal static EspReleaseException DirectoryNotFound(string root) => new(DiagnosticCodes.ServeDirectoryNotFound,
        $"{root}: expected the folder to serve (an idf.py build directory or a release folder), found {(File.Exists(root) ? "a file" : "nothing")}. Pass an existing folder, or run `idf.py build` first.",
        root, FailureKind.Usage);

    /// <summary>.bin and .jws as application/octet-stream (what esp_https_ota expects to write to flash), .json as application/json.</summary>
    internal static FileExtensionContentTypeProvider ContentTypes()
    {
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".bin"] = "application/octet-stream";
        types.Mappings[".jws"] = "application/octet-stream";
        types.Mappings[".json"] = "application/json";
        types.Mappings[".elf"] = "application/octet-stream";
        return types;
    }

    private static SslServerAuthenticationOptions TlsOptions(X509Certificate2 certificate)
    {
        var leaf = OperatingSystem.IsWindows()
            // SChannel cannot use an ephemeral key; a PKCS#12 round trip gives it a persisted one.
            ? X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null)
            : certificate;
        return new SslServerAuthenticationOptions
        {
            // The leaf alone: the device holds the CA, and offline keeps .NET from trying to fetch anything.
            ServerCertificateContext = SslStreamCertificateContext.Create(leaf, [], offline: true),
            ApplicationProtocols = [SslApplicationProtocol.Http11],
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        };
    }

    /// <summary>
    /// Port 0 with several addresses: Kestrel would give each its own port, but a URL can name only one. Bind
    /// every address to the port the first one got (retrying when another program holds it on an address) and
    /// hand the sockets to Kestrel.
    /// </summary>
    private static (int Port, Dictionary<IPEndPoint, Socket> Sockets) PreBind(IReadOnlyList<IPAddress> addresses)
    {
        for (var attempt = 0; ; attempt++)
        {
            var sockets = new Dictionary<IPEndPoint, Socket>();
            try
            {
                var port = 0;
                foreach (var address in addresses)
                {
                    var socket = SocketTransportOptions.CreateDefaultBoundListenSocket(new IPEndPoint(address, port));
                    port = ((IPEndPoint)socket.LocalEndPoint!).Port;
                    sockets[new IPEndPoint(address, port)] = socket;
                }

                return (port, sockets);
            }
            catch (SocketException) when (attempt < 20)
            {
                foreach (var socket in sockets.Values)
                {
                    socket.Dispose();
                }
            }
        }
    }

    private static List<IPEndPoint> ListenEndPoints(WebApplication app, DevServerOptions options, int port)
    {
        var addresses = app.Urls.Select(u => new Uri(u)).ToList();
        var actualPort = addresses.Count > 0 ? addresses[0].Port : port;
        return options.BindAddresses.Count == 0
            ? [new IPEndPoint(addresses.Count > 0 && addresses[0].Host == "0.0.0.0" ? IPAddress.Any : IPAddress.IPv6Any, actualPort)]
            : [.. options.BindAddresses.Select(a => new IPEndPoint(a, actualPort))];
    }

    private static EspReleaseException ListenFailure(IOException e, DevServerOptions options, int port)
    {
        var where = options.BindAddresses.Count == 0 ? $"port {port} on every address (IPv4 and IPv6)" : $"{string.Join(", ", options.BindAddresses.Select(a => new IPEndPoint(a, port)))}";
        if (e.InnerException is AddressInUseException)
        {
            return new EspReleaseException(DiagnosticCodes.ServePortInUse,
                $"{where}: expected a free port, found it in use by another program (an earlier `esp-release serve`, `openssl s_server -accept {port}`?). Stop that program, or pass another --port (the firmware's URL must then name it: --project updates it).",
                kind: FailureKind.Host, inner: e);
        }

        var reason = (e.InnerException as SocketException)?.Message ?? e.InnerException?.Message ?? e.Message;
        return new EspReleaseException(DiagnosticCodes.ServeCannotListen,
            $"{where}: could not listen ({reason}). --bind must name an address of this PC (e.g. 127.0.0.1, ::1, or a LAN address); ports below 1024 need administrator rights on most systems. Fix --bind/--port and start again.",
            kind: FailureKind.Host, inner: e);
    }
}

/// <summary>A host lifetime that leaves start and stop to the caller: no signal handlers, no console messages.</summary>
internal sealed class CommandLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
