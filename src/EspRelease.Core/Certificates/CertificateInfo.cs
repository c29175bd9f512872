using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Asn1.X509;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;

namespace EspRelease.Core.Certificates;

/// <summary>
/// One X.509 certificate with the facts mbedtls looks at, read once: names as mbedtls compares
/// them, the CA bit and path length, key usages, SANs, dates. BouncyCastle does the signature math.
/// </summary>
public sealed class CertificateInfo
{
    private const int DigitalSignatureBit = 0;
    private const int KeyCertSignBit = 5;
    private readonly BcCertificate _bc;

    public CertificateInfo(X509Certificate2 certificate)
    {
        Certificate = certificate;
        _bc = new BcCertificate(X509CertificateStructure.GetInstance(certificate.RawData));
        Subject = DistinguishedName.Parse(certificate.SubjectName.RawData);
        Issuer = DistinguishedName.Parse(certificate.IssuerName.RawData);
        var pathLength = _bc.GetBasicConstraints();
        IsCa = pathLength >= 0;
        MaxPathLength = !IsCa || pathLength == int.MaxValue ? null : pathLength;
        var usage = _bc.GetKeyUsage();
        KeyUsage = usage is null ? null : (usage.Length > DigitalSignatureBit && usage[DigitalSignatureBit], usage.Length > KeyCertSignBit && usage[KeyCertSignBit]);
        ExtendedKeyUsage = _bc.GetExtendedKeyUsage()?.Select(o => o.Id).ToList();
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        HasSubjectAltNames = san is not null;
        DnsNames = san?.EnumerateDnsNames().ToList() ?? [];
        IpAddresses = san?.EnumerateIPAddresses().ToList() ?? [];
        CommonNames = CommonNamesOf(certificate);
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(certificate.RawData));
    }

    public X509Certificate2 Certificate { get; }

    public DistinguishedName Subject { get; }

    public DistinguishedName Issuer { get; }

    /// <summary>basicConstraints cA=TRUE.</summary>
    public bool IsCa { get; }

    /// <summary>pathLenConstraint when set.</summary>
    public int? MaxPathLength { get; }

    /// <summary>(digitalSignature, keyCertSign) when a keyUsage extension is present.</summary>
    public (bool DigitalSignature, bool KeyCertSign)? KeyUsage { get; }

    /// <summary>The extendedKeyUsage OIDs when the extension is present.</summary>
    public IReadOnlyList<string>? ExtendedKeyUsage { get; }

    public bool HasSubjectAltNames { get; }

    public IReadOnlyList<string> DnsNames { get; }

    public IReadOnlyList<IPAddress> IpAddresses { get; }

    /// <summary>The subject's CN values, as text.</summary>
    public IReadOnlyList<string> CommonNames { get; }

    public int Version => _bc.Version;

    public string Sha256 { get; }

    public string SubjectText => Certificate.Subject;

    public DateTime NotBefore => Certificate.NotBefore.ToUniversalTime();

    public DateTime NotAfter => Certificate.NotAfter.ToUniversalTime();

    /// <summary>Issuer name equals subject name (mbedtls's "self-issued").</summary>
    public bool IsSelfIssued => Subject.MbedTlsEquals(Issuer);

    /// <summary>Self-issued and signed by its own key: a root.</summary>
    public bool IsSelfSigned => IsSelfIssued && IsSignedBy(this);

    public bool IsSignedBy(CertificateInfo parent)
    {
        try
        {
            _bc.Verify(parent._bc.GetPublicKey());
            return true;
        }
        catch (Exception e) when (e is Org.BouncyCastle.Security.GeneralSecurityException or Org.BouncyCastle.Crypto.CryptoException or ArgumentException)
        {
            return false;
        }
    }

    public override string ToString() => $"{SubjectText} (SHA-256 {Sha256[..16]}…)";

    private static List<string> CommonNamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var rdn in certificate.SubjectName.EnumerateRelativeDistinguishedNames())
        {
            if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == "2.5.4.3" && rdn.GetSingleElementValue() is { } value)
            {
                names.Add(value);
            }
        }

        return names;
    }
}
