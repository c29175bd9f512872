using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EspRelease.Testing;

/// <summary>
/// The HTTPS servers users really run, started by the tests from the machine's own packages
/// (build/test.sh installs them): <c>openssl s_server -WWW</c> (the one ESP-IDF's OTA example
/// documents), Python's <c>http.server</c> wrapped in ssl (ESP-IDF's example tests use it) and
/// nginx. Each serves one directory on a loopback address and a free port with the given
/// certificate chain; starting waits (bounded) until the port accepts, and disposing stops it.
/// </summary>
public sealed class ExternalServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private ExternalServer(Process process, IPAddress address, int port)
    {
        _process = process;
        Address = address;
        Port = port;
    }

    public IPAddress Address { get; }

    public int Port { get; }

    public Uri BaseUrl => new($"https://{(Address.AddressFamily == AddressFamily.InterNetworkV6 ? "[::1]" : "127.0.0.1")}:{Port}/");

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    public Uri Url(string path) => new(BaseUrl, path);

    /// <summary><c>openssl s_server -WWW</c> in <paramref name="root"/>: HTTP/1.0, no Content-Length, no Range, GET only.</summary>
    public static Task<ExternalServer> OpenSslAsync(string root, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain, IPAddress? address = null)
    {
        var (cert, key, chainFile) = WriteCredentials(root, leaf, chain);
        address ??= IPAddress.Loopback;
        var port = FreePort(address);
        var accept = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[::1]:{port}" : $"127.0.0.1:{port}";
        string[] sendChain = chain.Count > 0 ? ["-cert_chain", chainFile] : [];
        return StartAsync("openssl", ["s_server", "-WWW", "-quiet", "-cert", cert, "-key", key, .. sendChain, "-accept", accept], root, address, port);
    }

    /// <summary>Python's <c>http.server</c> behind <c>ssl.SSLContext.wrap_socket</c>: HTTP/1.0, Content-Length, HEAD, no Range.</summary>
    public static Task<ExternalServer> PythonAsync(string root, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain)
    {
        var (cert, key, _) = WriteCredentials(root, leaf, chain);
        var port = FreePort(IPAddress.Loopback);
        const string Script = """
            import functools, http.server, ssl, sys
            port, directory, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
            handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=directory)
            server = http.server.HTTPServer(("127.0.0.1", port), handler)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert, key)
            server.socket = context.wrap_socket(server.socket, server_side=True)
            server.serve_forever()
            """;
        return StartAsync(Python, ["-c", Script, port.ToString(System.Globalization.CultureInfo.InvariantCulture), root, cert, key], root, IPAddress.Loopback, port);
    }

    /// <summary>nginx, in the foreground with its own configuration: HTTP/1.1, Content-Length, HEAD, Range.</summary>
    public static Task<ExternalServer> NginxAsync(string root, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain)
    {
        var (cert, key, _) = WriteCredentials(root, leaf, chain);
        var port = FreePort(IPAddress.Loopback);
        var prefix = Path.Combine(Path.GetTempPath(), "esp-release-tests", $"nginx-{Guid.NewGuid():n}");
        Directory.CreateDirectory(Path.Combine(prefix, "logs"));
        var config = Path.Combine(prefix, "nginx.conf");
        File.WriteAllText(config, $$"""
            daemon off;
            master_process off;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/logs/error.log;
            events { worker_connections 64; }
            http {
                access_log off;
                client_body_temp_path {{prefix}}/body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                types { application/octet-stream bin; application/jose jws; }
                server {
                    listen 127.0.0.1:{{port}} ssl;
                    ssl_certificate {{cert}};
                    ssl_certificate_key {{key}};
                    root {{root}};
                }
            }
            """);
        return StartAsync(Nginx, ["-p", prefix, "-c", config, "-e", Path.Combine(prefix, "logs", "error.log")], root, IPAddress.Loopback, port);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(limit.Token).ContinueWith(_ => { }, TaskScheduler.Default);
        _process.Dispose();
    }

    private static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private static string Nginx => File.Exists("/usr/sbin/nginx") ? "/usr/sbin/nginx" : "nginx";

    private static async Task<ExternalServer> StartAsync(string program, IReadOnlyList<string> arguments, string workingDirectory, IPAddress address, int port)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{program} is not installed here ({e.Message}): run build/test.sh, which installs openssl, python3 and nginx.", e);
        }

        var server = new ExternalServer(process, address, port);
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!await AcceptsAsync(address, port))
        {
            if (process.HasExited || clock.Elapsed > StartLimit)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException($"{program} did not listen on port {port} within {StartLimit.TotalSeconds} s:\n{server.Log}");
            }

            await Task.Delay(50);
        }

        return server;
    }

    private static async Task<bool> AcceptsAsync(IPAddress address, int port)
    {
        using var client = new TcpClient(address.AddressFamily);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            await client.ConnectAsync(address, port, limit.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private static int FreePort(IPAddress address)
    {
        using var listener = new TcpListener(address, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    // The leaf, its key and the chain it sends, as PEM files beside (not inside) the served folder.
    private static (string Certificate, string Key, string Chain) WriteCredentials(string root, X509Certificate2 leaf, IReadOnlyList<X509Certificate2> chain)
    {
        var directory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(root))!, $"tls-{Guid.NewGuid():n}");
        Directory.CreateDirectory(directory);
        var certificate = Path.Combine(directory, "server.pem");
        var key = Path.Combine(directory, "server.key.pem");
        var chainFile = Path.Combine(directory, "chain.pem");
        File.WriteAllText(certificate, TestPki.ToPem([leaf, .. chain]));
        File.WriteAllText(chainFile, chain.Count > 0 ? TestPki.ToPem([.. chain]) : TestPki.ToPem(leaf));
        using var ecdsa = leaf.GetECDsaPrivateKey();
        using var rsa = ecdsa is null ? leaf.GetRSAPrivateKey() : null;
        File.WriteAllText(key, (ecdsa?.ExportPkcs8PrivateKeyPem() ?? rsa!.ExportPkcs8PrivateKeyPem()) + "\n");
        return (certificate, key, chainFile);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
