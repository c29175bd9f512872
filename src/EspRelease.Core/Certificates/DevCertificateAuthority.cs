using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.IO;

namespace EspRelease.Core.Certificates;

/// <summary>
/// A development CA that lives in the user's profile, never in the repository: created once, its
/// certificate embedded in the firmware, and server certificates issued from it whenever the PC's
/// addresses change, so a new server certificate never needs a new firmware.
/// </summary>
public sealed class DevCertificateAuthority
{
    public const string HomeVariable = "ESP_RELEASE_HOME";

    /// <summary>How the CA's common name starts (the machine's name follows), so advice can recognise a chain it issued.</summary>
    public const string CommonNamePrefix = "esp-release development CA";
    private const string CertificateFile = "ca.pem";
    private const string KeyFile = "ca.key.pem";

    private DevCertificateAuthority(string directory, X509Certificate2 certificate, bool created)
    {
        Directory = directory;
        Certificate = certificate;
        Created = created;
    }

    public string Directory { get; }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>True when this call created the CA.</summary>
    public bool Created { get; }

    public string CertificatePath => Path.Combine(Directory, CertificateFile);

    /// <summary>$ESP_RELEASE_HOME/dev-ca, else the user's application-data folder (~/.config/esp-release/dev-ca on Linux).</summary>
    public static string DefaultDirectory(Func<string, string?> environment) =>
        Path.Combine(environment(HomeVariable) ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.Create), "esp-release"), "dev-ca");

    public static DevCertificateAuthority LoadOrCreate(string directory)
    {
        var certificatePath = Path.Combine(directory, CertificateFile);
        var keyPath = Path.Combine(directory, KeyFile);
        if (File.Exists(certificatePath) && File.Exists(keyPath))
        {
            var loaded = X509Certificate2.CreateFromPem(InputFile.ReadAllText(certificatePath), InputFile.ReadAllText(keyPath));
            return new DevCertificateAuthority(directory, loaded, created: false);
        }

        System.IO.Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048); // RSA: the cheapest signature for an ESP32 to verify
        var request = new CertificateRequest($"CN={CommonNamePrefix} ({Environment.MachineName}), O=esp-release", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        // Twenty years: longer than any device lifetime `ca fetch` warns about, so development never trips it.
        var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(20));
        AtomicFile.WritePrivate(keyPath, key.ExportPkcs8PrivateKeyPem() + "\n");
        AtomicFile.WriteAllBytes(certificatePath, System.Text.Encoding.ASCII.GetBytes(certificate.ExportCertificatePem() + "\n"));
        return new DevCertificateAuthority(directory, certificate, created: true);
    }

    /// <summary>
    /// A server certificate for these names and addresses. Each address is in the SANs twice: as an
    /// iPAddress (mbedtls 3.5+) and as a dNSName holding its text (older mbedtls matches IP hosts
    /// only that way); the CN is the first address, for certificates read by the oldest rules.
    /// </summary>
    public X509Certificate2 IssueServerCertificate(IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> addresses, TimeSpan validity)
    {
        using var key = RSA.Create(2048);
        var commonName = addresses.Count > 0 ? addresses[0].ToString() : dnsNames.Count > 0 ? dnsNames[0] : "localhost";
        var request = new CertificateRequest($"CN={commonName}, O=esp-release development server", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            san.AddIpAddress(address);
            san.AddDnsName(address.ToString());
        }

        foreach (var name in dnsNames)
        {
            san.AddDnsName(name);
        }

        request.CertificateExtensions.Add(san.Build());
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7F;
        var notAfter = DateTimeOffset.UtcNow.Add(validity) < Certificate.NotAfter ? DateTimeOffset.UtcNow.Add(validity) : new DateTimeOffset(Certificate.NotAfter);
        using var issued = request.Create(Certificate, DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>This PC's addresses a device can reach (up interfaces; no link-local IPv6, which needs a zone index) and loopback.</summary>
    public static (IReadOnlyList<IPAddress> Addresses, IReadOnlyList<string> Names) MachineNames()
    {
        var addresses = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up && n.NetworkInterfaceType != NetworkInterfaceType.Loopback)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses.Select(u => u.Address))
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork || (a.AddressFamily == AddressFamily.InterNetworkV6 && !a.IsIPv6LinkLocal))
            .Concat([IPAddress.Loopback, IPAddress.IPv6Loopback])
            .Distinct()
            .ToList();
        var host = Dns.GetHostName();
        return (addresses, ["localhost", host, host + ".local"]);
    }
}
