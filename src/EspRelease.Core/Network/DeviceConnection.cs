using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Network;

/// <summary>
/// A TLS connection opened the way the device opens one (TCP to the address it would pick, TLS
/// 1.2/1.3, no ALPN), each step bounded, recording the certificates the server sent, leaf first,
/// without judging them: esp-release judges them later by mbedtls's rules.
/// <see cref="PlatformTrusted"/> says whether .NET itself trusted the server, which decides whether
/// a secret (a SAS query) may be sent to it.
/// </summary>
public sealed class DeviceConnection : IAsyncDisposable
{
    private readonly Socket _socket;

    private DeviceConnection(Socket socket, SslStream stream, IPEndPoint remote, IReadOnlyList<CertificateInfo> served, bool platformTrusted)
    {
        _socket = socket;
        Stream = stream;
        Remote = remote;
        Served = served;
        PlatformTrusted = platformTrusted;
    }

    public SslStream Stream { get; }

    /// <summary>The address and port connected to.</summary>
    public IPEndPoint Remote { get; }

    public IReadOnlyList<CertificateInfo> Served { get; }

    public bool PlatformTrusted { get; }

    /// <param name="url">The https URL.</param>
    /// <param name="timeouts">How long connecting and the handshake may take.</param>
    /// <param name="cancellationToken">The caller's own cancellation (Ctrl+C), told apart from a timeout.</param>
    /// <exception cref="EspReleaseException">The device could not get this far: which step, where, what it would log, the fix.</exception>
    public static async Task<DeviceConnection> OpenAsync(Uri url, DeviceTimeouts timeouts, CancellationToken cancellationToken)
    {
        var socket = await DeviceSocket.ConnectAsync(url, timeouts, cancellationToken);
        var remote = (IPEndPoint)socket.RemoteEndPoint!;
        var wire = new FirstBytesStream(new NetworkStream(socket, ownsSocket: true));
        List<X509Certificate2> served = [];
        var platformTrusted = false;
#pragma warning disable CA5359 // Deliberate: the chain is recorded here and judged by mbedtls's rules afterwards; nothing secret is sent to an unverified server.
        var tls = new SslStream(wire, leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
        {
            platformTrusted = errors == SslPolicyErrors.None;
            // Copy now: the objects are disposed after the callback. ExtraStore holds what the server sent.
            if (certificate is not null)
            {
                served.Add(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            }

            foreach (var extra in chain?.ChainPolicy.ExtraStore ?? [])
            {
                served.Add(X509CertificateLoader.LoadCertificate(extra.RawData));
            }

            return true;
        });
#pragma warning restore CA5359
        var host = url.IdnHost.Trim('[', ']');
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeouts.Handshake);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = url.HostNameType == UriHostNameType.Dns ? host : "",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, limit.Token);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync();
            throw HandshakeFailed(url, remote, e, wire.First, timeouts.Handshake);
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }

        var ordered = Order([.. served.DistinctBy(c => c.Thumbprint).Select(c => new CertificateInfo(c))]);
        return new DeviceConnection(socket, tls, remote, ordered, platformTrusted);
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _socket.Dispose();
    }

    // What the server did instead of completing a handshake, from what it sent back (if anything).
    private static EspReleaseException HandshakeFailed(Uri url, IPEndPoint remote, Exception e, byte[] first, TimeSpan timeout)
    {
        var at = NetworkError.Format(remote);
        const string Connect = "E (esp_https_ota): Failed to open HTTP connection: ESP_ERR_HTTP_CONNECT";
        if (first.Length > 0 && !LooksLikeTls(first))
        {
            var line = Printable(first);
            var what = line.StartsWith("HTTP/", StringComparison.Ordinal) || line.StartsWith('<')
                ? "speaks plain HTTP, not TLS"
                : "does not speak TLS";
            return NetworkError.Create(DiagnosticCodes.TlsHandshakeFailed, NetworkPhase.Handshake, url, remote,
                $"the server at {at} {what}: it answered the TLS hello with \"{line}\".",
                ["E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x7200", Connect],
                "Use the server's https port, or turn TLS on there (Azurite: --cert and --key, which `esp-release ca dev` can make; or serve with `esp-release serve`). An http:// URL works only with CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, which releases refuse.", e);
        }

        if (e is OperationCanceledException)
        {
            return NetworkError.Create(DiagnosticCodes.TlsHandshakeFailed, NetworkPhase.Handshake, url, remote,
                first.Length == 0
                    ? $"{at} accepted the connection but sent nothing in answer to the TLS hello within {NetworkError.Seconds(timeout)}: the port is not a TLS server (a plain server waiting for a request), or the server is stuck."
                    : $"{at} started the TLS handshake but did not finish it within {NetworkError.Seconds(timeout)}.",
                ["W (esp-tls): Failed to open new connection in specified timeout", Connect],
                "Check that the URL names the server's https port and that the server answers (try `openssl s_client -connect host:port`).", e);
        }

        var detail = Innermost(e).Message;
        if (first.Length == 0 || detail.Contains("EOF", StringComparison.OrdinalIgnoreCase))
        {
            return NetworkError.Create(DiagnosticCodes.TlsHandshakeFailed, NetworkPhase.Handshake, url, remote,
                $"{at} closed the connection during the TLS handshake ({detail}): it is not a TLS server, or it refused what the device offers (TLS 1.2/1.3 with ECDHE suites), or it wants a client certificate.",
                ["E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x7280", Connect],
                "Check the server's TLS settings: it must accept TLS 1.2 (or 1.3) with an ECDHE cipher suite and no client certificate.", e);
        }

        return NetworkError.Create(DiagnosticCodes.TlsHandshakeFailed, NetworkPhase.Handshake, url, remote,
            $"the TLS handshake with {at} failed ({detail}).",
            ["E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x7780", Connect],
            "The server sent a TLS alert: it does not accept what the device offers (TLS 1.2/1.3 with ECDHE suites), or wants a client certificate. Check its TLS settings.", e);
    }

    // A TLS record starts with its content type (20-24: change cipher spec, alert, handshake,
    // application data, heartbeat) and major version 3; nothing else a server sends does.
    private static bool LooksLikeTls(byte[] first) => first[0] is >= 20 and <= 24 && (first.Length < 2 || first[1] == 3);

    private static string Printable(byte[] bytes) =>
        new([.. Encoding.Latin1.GetString(bytes).Split('\r', '\n')[0].Take(48).Select(c => c is >= ' ' and < '\u007f' ? c : '.')]);

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }

    // Leaf first, then each certificate's issuer among those sent, then anything left, as servers send them.
    private static List<CertificateInfo> Order(List<CertificateInfo> sent)
    {
        if (sent.Count == 0)
        {
            return sent;
        }

        var ordered = new List<CertificateInfo> { sent[0] };
        var rest = sent.Skip(1).ToList();
        while (rest.FirstOrDefault(c => ordered[^1].Issuer.MbedTlsEquals(c.Subject) && !ReferenceEquals(c, ordered[^1])) is { } parent)
        {
            ordered.Add(parent);
            rest.Remove(parent);
        }

        ordered.AddRange(rest);
        return ordered;
    }
}
