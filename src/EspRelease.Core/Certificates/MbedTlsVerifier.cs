using System.Net;
using System.Net.Sockets;
using System.Text;

namespace EspRelease.Core.Certificates;

/// <summary>How the device is configured to verify.</summary>
public sealed record MbedTlsVerifyOptions
{
    public MbedTlsGeneration Generation { get; init; } = MbedTlsGeneration.V35Plus;

    /// <summary>CONFIG_MBEDTLS_HAVE_TIME_DATE: dates are checked only when the firmware has a clock.</summary>
    public bool CheckDates { get; init; }

    /// <summary>The time to check dates against (now when null).</summary>
    public DateTime? Now { get; init; }

    /// <summary>skip_cert_common_name_check: no host-name check at all.</summary>
    public bool SkipNameCheck { get; init; }
}

/// <summary>mbedtls's verdict: the flags it would set, the chain it built, and the trusted certificate it stopped at.</summary>
public sealed record MbedTlsVerdict(uint Flags, IReadOnlyList<CertificateInfo> Chain, CertificateInfo? Anchor)
{
    public bool Trusted => Flags == 0;

    /// <summary>
    /// The certificates of the chain (anchor included) that are expired or not yet valid although
    /// the verdict ignored dates (the firmware has no clock): right for today's firmware, and what
    /// breaks it the day it turns CONFIG_MBEDTLS_HAVE_TIME_DATE on.
    /// </summary>
    public IReadOnlyList<CertificateInfo> OutOfDateIgnored { get; init; } = [];

    public IReadOnlyList<string> Reasons => MbedTlsFlags.Describe(Flags);
}

/// <summary>
/// Verifies a served chain against a CA file the way mbedtls does on the device
/// (library/x509_crt.c: x509_crt_verify_chain, x509_crt_find_parent, x509_crt_check_parent,
/// x509_crt_verify_name; ssl_tls.c: mbedtls_ssl_check_cert_usage), not the way .NET or a browser
/// would: a trusted intermediate is an anchor, a self-signed leaf is trusted only byte for byte,
/// nothing is downloaded, dates only when the firmware has a clock, host-name rules by generation.
/// </summary>
public static class MbedTlsVerifier
{
    /// <summary>MBEDTLS_X509_MAX_INTERMEDIATE_CA.</summary>
    private const int MaxIntermediates = 8;

    private const string ServerAuthOid = "1.3.6.1.5.5.7.3.1";
    private const string AnyExtendedKeyUsageOid = "2.5.29.37.0";

    /// <param name="served">The certificates the server sent, its leaf first.</param>
    /// <param name="trusted">The CA file's certificates (cert_pem or the custom bundle).</param>
    /// <param name="host">The host name the device checks (the URL's host, or common_name).</param>
    /// <param name="options">The firmware's verification settings.</param>
    public static MbedTlsVerdict Verify(IReadOnlyList<CertificateInfo> served, IReadOnlyList<CertificateInfo> trusted, string? host, MbedTlsVerifyOptions options)
    {
        if (served.Count == 0)
        {
            return new MbedTlsVerdict(MbedTlsFlags.NotTrusted, [], null);
        }

        var now = options.Now ?? DateTime.UtcNow;
        var (flags, chain, anchor) = VerifyChain(served, trusted, options.CheckDates, now);
        var leaf = served[0];
        if (!options.SkipNameCheck && host is not null && !NameMatches(leaf, host, options.Generation))
        {
            flags |= MbedTlsFlags.CnMismatch;
        }

        flags |= ServerUsageFlags(leaf);
        List<CertificateInfo> outOfDate = options.CheckDates ? [] : chain.Append(anchor).OfType<CertificateInfo>().Distinct().Where(c => DateFlags(c, now) != 0).ToList();
        return new MbedTlsVerdict(flags, chain, anchor) { OutOfDateIgnored = outOfDate };
    }

    private static (uint Flags, List<CertificateInfo> Chain, CertificateInfo? Anchor) VerifyChain(IReadOnlyList<CertificateInfo> served, IReadOnlyList<CertificateInfo> trusted, bool checkDates, DateTime now)
    {
        uint flags = 0;
        var chain = new List<CertificateInfo>();
        var child = served[0];
        var childIndex = 0;
        var childIsTrusted = false;
        var selfIssued = 0;
        while (true)
        {
            chain.Add(child);
            if (checkDates)
            {
                flags |= DateFlags(child, now);
            }

            if (childIsTrusted)
            {
                return (flags, chain, child);
            }

            // A locally trusted end-entity: self-issued, and the very same bytes in the CA file.
            if (chain.Count == 1 && child.IsSelfIssued && trusted.Any(t => t.Certificate.RawData.AsSpan().SequenceEqual(child.Certificate.RawData)))
            {
                return (flags, chain, child);
            }

            var pathCount = chain.Count - 1;
            var (parent, parentIndex, parentIsTrusted, signatureGood) = FindParent(child, childIndex, served, trusted, pathCount, selfIssued, checkDates, now);
            if (parent is null)
            {
                return (flags | MbedTlsFlags.NotTrusted, chain, null);
            }

            if (chain.Count != 1 && child.IsSelfIssued)
            {
                selfIssued++;
            }

            if (!parentIsTrusted && chain.Count > MaxIntermediates)
            {
                return (flags | MbedTlsFlags.NotTrusted, chain, null);
            }

            if (!signatureGood)
            {
                flags |= MbedTlsFlags.NotTrusted;
            }

            child = parent;
            childIndex = parentIndex;
            childIsTrusted = parentIsTrusted;
        }
    }

    // Trusted certificates first ("jump to a trusted root as early as possible"), then those the server sent after the child.
    private static (CertificateInfo? Parent, int Index, bool Trusted, bool SignatureGood) FindParent(
        CertificateInfo child, int childIndex, IReadOnlyList<CertificateInfo> served, IReadOnlyList<CertificateInfo> trusted,
        int pathCount, int selfIssued, bool checkDates, DateTime now)
    {
        var fromTrusted = FindParentIn(child, trusted.Select((c, i) => (c, i)), top: true, pathCount, selfIssued, checkDates, now);
        if (fromTrusted.Parent is not null)
        {
            return (fromTrusted.Parent, -1, true, fromTrusted.SignatureGood);
        }

        var fromServed = FindParentIn(child, served.Select((c, i) => (c, i)).Where(p => p.i > childIndex), top: false, pathCount, selfIssued, checkDates, now);
        return (fromServed.Parent, fromServed.Index, false, fromServed.SignatureGood);
    }

    private static (CertificateInfo? Parent, int Index, bool SignatureGood) FindParentIn(
        CertificateInfo child, IEnumerable<(CertificateInfo Cert, int Index)> candidates, bool top, int pathCount, int selfIssued, bool checkDates, DateTime now)
    {
        (CertificateInfo Cert, int Index, bool Good)? fallback = null;
        foreach (var (parent, index) in candidates)
        {
            if (!IsParent(child, parent, top))
            {
                continue;
            }

            // mbedtls stores pathLenConstraint + 1; the check reads: max_pathlen < 1 + path_cnt - self_cnt.
            if (parent.MaxPathLength is { } pathLength && pathLength + 1 < 1 + pathCount - selfIssued)
            {
                continue;
            }

            var signatureGood = child.IsSignedBy(parent);
            if (top && !signatureGood)
            {
                continue;
            }

            if (checkDates && DateFlags(parent, now) != 0)
            {
                fallback ??= (parent, index, signatureGood);
                continue;
            }

            return (parent, index, signatureGood);
        }

        return fallback is { } f ? (f.Cert, f.Index, f.Good) : (null, -1, false);
    }

    private static bool IsParent(CertificateInfo child, CertificateInfo parent, bool top)
    {
        if (!child.Issuer.MbedTlsEquals(parent.Subject))
        {
            return false;
        }

        // A locally trusted v1/v2 certificate needs no CA bit.
        var needCaBit = !(top && parent.Version < 3);
        return !needCaBit || (parent.IsCa && parent.KeyUsage is not { KeyCertSign: false });
    }

    private static uint DateFlags(CertificateInfo certificate, DateTime now) =>
        (certificate.NotAfter < now ? MbedTlsFlags.Expired : 0) | (certificate.NotBefore > now ? MbedTlsFlags.Future : 0);

    // What the TLS layer checks of a server's leaf (ECDHE suites): digitalSignature, and serverAuth when an EKU is present.
    private static uint ServerUsageFlags(CertificateInfo leaf) =>
        (leaf.KeyUsage is { DigitalSignature: false } ? MbedTlsFlags.KeyUsage : 0)
        | (leaf.ExtendedKeyUsage is { } eku && !eku.Contains(ServerAuthOid) && !eku.Contains(AnyExtendedKeyUsageOid) ? MbedTlsFlags.ExtKeyUsage : 0);

    /// <summary>
    /// x509_crt_verify_name: with a subjectAltName extension only SANs count (dNSName always;
    /// iPAddress from mbedtls 3.5); without one, the CN. Names compare ignoring ASCII case, with a
    /// single left-most "*." wildcard.
    /// </summary>
    public static bool NameMatches(CertificateInfo leaf, string host, MbedTlsGeneration generation)
    {
        if (!leaf.HasSubjectAltNames)
        {
            return leaf.CommonNames.Any(cn => HostMatches(cn, host));
        }

        if (leaf.DnsNames.Any(dns => HostMatches(dns, host)))
        {
            return true;
        }

        return generation == MbedTlsGeneration.V35Plus && ParseInetPton(host) is { } address && leaf.IpAddresses.Any(ip => ip.Equals(address));
    }

    private static bool HostMatches(string name, string host)
    {
        var n = Encoding.UTF8.GetBytes(name);
        var h = Encoding.UTF8.GetBytes(host);
        if (DistinguishedName.MemCaseEquals(n, h))
        {
            return true;
        }

        // x509_check_wildcard: "*.rest" matches a host whose part from its first dot equals ".rest".
        if (n.Length < 3 || n[0] != '*' || n[1] != '.')
        {
            return false;
        }

        var dot = Array.IndexOf(h, (byte)'.');
        return dot > 0 && DistinguishedName.MemCaseEquals(n.AsSpan(1), h.AsSpan(dot));
    }

    // inet_pton accepts only dotted-quad IPv4 and textual IPv6; IPAddress.TryParse is laxer ("1" is 0.0.0.1).
    private static IPAddress? ParseInetPton(string host)
    {
        if (!IPAddress.TryParse(host, out var address))
        {
            return null;
        }

        return address.AddressFamily == AddressFamily.InterNetworkV6 || host.Count(c => c == '.') == 3 ? address : null;
    }
}
