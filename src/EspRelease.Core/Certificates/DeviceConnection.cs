using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Certificates;

/// <summary>
/// A TLS connection opened the way the device opens one (TLS 1.2/1.3, no ALPN), recording the
/// certificates the server sent, leaf first, without judging them: esp-release judges them later by
/// mbedtls's rules. <see cref="PlatformTrusted"/> says whether .NET itself trusted the server, which
/// decides whether a secret (a SAS query) may be sent to it.
/// </summary>
public sealed class DeviceConnection : IAsyncDisposable
{
    private readonly TcpClient _tcp;

    private DeviceConnection(TcpClient tcp, SslStream stream, IReadOnlyList<CertificateInfo> served, bool platformTrusted)
    {
        _tcp = tcp;
        Stream = stream;
        Served = served;
        PlatformTrusted = platformTrusted;
    }

    public SslStream Stream { get; }

    public IReadOnlyList<CertificateInfo> Served { get; }

    public bool PlatformTrusted { get; }

    /// <param name="url">The https URL.</param>
    /// <param name="timeout">Cancelled when the connection takes too long.</param>
    /// <param name="cancellationToken">The caller's own cancellation (Ctrl+C), told apart from a timeout.</param>
    public static async Task<DeviceConnection> OpenAsync(Uri url, CancellationToken timeout, CancellationToken cancellationToken)
    {
        var host = url.IdnHost.Trim('[', ']');
        var tcp = new TcpClient(); // dual-mode: IPv4 and IPv6 literals and names alike
        try
        {
            await tcp.ConnectAsync(host, url.Port, timeout);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new EspReleaseException(DiagnosticCodes.ServerUnreachable,
                $"{ServerProbe.Redact(url)}: cannot connect to {url.Host}:{url.Port} ({(e is SocketException s ? s.Message : "timed out")}). The device would log \"Failed to connect to host\" too. Check the server is running and listening on that address (IPv4 and IPv6).", ServerProbe.Redact(url), FailureKind.Host, e);
        }

        List<X509Certificate2> served = [];
        var platformTrusted = false;
#pragma warning disable CA5359 // Deliberate: the chain is recorded here and judged by mbedtls's rules afterwards; nothing secret is sent to an unverified server.
        var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, chain, errors) =>
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
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = url.HostNameType == UriHostNameType.Dns ? host : "",
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            }, timeout);
        }
        catch (Exception e) when (e is AuthenticationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            await tls.DisposeAsync();
            tcp.Dispose();
            throw new EspReleaseException(DiagnosticCodes.ServerUnreachable,
                $"{ServerProbe.Redact(url)}: the TLS handshake failed ({e.Message}). The server may not speak TLS 1.2/1.3 on this port.", ServerProbe.Redact(url), FailureKind.Host, e);
        }

        var ordered = Order([.. served.DistinctBy(c => c.Thumbprint).Select(c => new CertificateInfo(c))]);
        return new DeviceConnection(tcp, tls, ordered, platformTrusted);
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _tcp.Dispose();
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
