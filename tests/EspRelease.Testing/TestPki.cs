using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace EspRelease.Testing;

/// <summary>
/// Generated certificates for TLS tests (roots, intermediates, leaves, self-signed), each with its
/// private key, built with .NET's CertificateRequest so the tests need no fixture PKI.
/// </summary>
public static class TestPki
{
    private static readonly DateTimeOffset _now = DateTimeOffset.UtcNow;

    public static X509Certificate2 CreateRoot(string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, bool rsa = false)
    {
        var key = NewKey(rsa);
        var request = Request($"CN={commonName}", key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(notBefore ?? _now.AddYears(-1), notAfter ?? _now.AddYears(20));
    }

    public static X509Certificate2 CreateIntermediate(X509Certificate2 issuer, string commonName, DateTimeOffset? notBefore = null, DateTimeOffset? notAfter = null, int? pathLength = null)
    {
        var key = NewKey(false);
        var request = Request($"CN={commonName}", key);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength is not null, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return Sign(request, issuer, key, notBefore ?? _now.AddMonths(-6), notAfter ?? _now.AddYears(10));
    }

    /// <summary>A server certificate issued by <paramref name="issuer"/> (or self-signed when it is null).</summary>
    public static X509Certificate2 CreateLeaf(
        X509Certificate2? issuer,
        string commonName,
        IEnumerable<string>? dnsNames = null,
        IEnumerable<IPAddress>? ipAddresses = null,
        bool serverAuth = true,
        bool digitalSignature = true,
        bool isCa = false,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null)
    {
        var key = NewKey(false);
        var request = Request($"CN={commonName}", key);
        if (isCa)
        {
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        }

        request.CertificateExtensions.Add(new X509KeyUsageExtension(digitalSignature ? X509KeyUsageFlags.DigitalSignature : X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(serverAuth ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        var san = new SubjectAlternativeNameBuilder();
        var any = false;
        foreach (var dns in dnsNames ?? [])
        {
            san.AddDnsName(dns);
            any = true;
        }

        foreach (var ip in ipAddresses ?? [])
        {
            san.AddIpAddress(ip);
            any = true;
        }

        if (any)
        {
            request.CertificateExtensions.Add(san.Build());
        }

        var from = notBefore ?? _now.AddDays(-1);
        var to = notAfter ?? _now.AddDays(300);
        if (issuer is null)
        {
            return request.CreateSelfSigned(from, to);
        }

        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, true, false));
        return Sign(request, issuer, key, from, to);
    }

    /// <summary>PEM blocks, each ending with a newline.</summary>
    public static string ToPem(params X509Certificate2[] certificates)
    {
        var sb = new StringBuilder();
        foreach (var certificate in certificates)
        {
            sb.Append(certificate.ExportCertificatePem()).Append('\n');
        }

        return sb.ToString();
    }

    private static AsymmetricAlgorithm NewKey(bool rsa) => rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private static CertificateRequest Request(string subject, AsymmetricAlgorithm key) => key switch
    {
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        _ => throw new ArgumentException("unsupported key", nameof(key)),
    };

    private static X509Certificate2 Sign(CertificateRequest request, X509Certificate2 issuer, AsymmetricAlgorithm key, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        // CertificateRequest refuses validity outside the issuer's; clamp to it.
        if (notAfter > issuer.NotAfter)
        {
            notAfter = issuer.NotAfter;
        }

        if (notBefore < issuer.NotBefore)
        {
            notBefore = issuer.NotBefore;
        }

        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        // Through a signature generator for the issuer's key, so an RSA CA can sign an ECDSA key and back.
        using var issuerKey = (AsymmetricAlgorithm?)issuer.GetECDsaPrivateKey() ?? issuer.GetRSAPrivateKey()!;
        var generator = issuerKey is RSA rsaIssuer
            ? X509SignatureGenerator.CreateForRSA(rsaIssuer, RSASignaturePadding.Pkcs1)
            : X509SignatureGenerator.CreateForECDsa((ECDsa)issuerKey);
        using var signed = request.Create(issuer.SubjectName, generator, notBefore, notAfter, serial);
        return key switch
        {
            RSA rsa => signed.CopyWithPrivateKey(rsa),
            ECDsa ec => signed.CopyWithPrivateKey(ec),
            _ => throw new ArgumentException("unsupported key", nameof(key)),
        };
    }

    /// <summary>An HTTP client, like a device's, that trusts only <paramref name="ca"/> (a test server's run CA).</summary>
    public static HttpClient CreateHttpClient(X509Certificate2 ca)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (certificate is null || (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            return chain.Build(leaf);
        };
        var http = new HttpClient(handler);
        http.DefaultRequestHeaders.UserAgent.Add(new System.Net.Http.Headers.ProductInfoHeaderValue("esp-release-tests", "1"));
        return http;
    }
}
