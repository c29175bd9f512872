using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Certificates;

/// <summary>The CA certificates chosen for a URL, the servers they were chosen from, and what to know about them.</summary>
public sealed record CaSelection(IReadOnlyList<CertificateInfo> Anchors, IReadOnlyList<ServerHop> Hops, IReadOnlyList<Diagnostic> Warnings);

/// <summary>
/// Chooses what a device should trust for a URL: for every hop, complete the served chain to a
/// trusted root (the --trust certificates, then the system store) and take the root, never the
/// leaf. The intermediate is added, loudly, only when the server does not send it, since mbedtls
/// never downloads a missing one.
/// </summary>
public static class CaSelector
{
    private static readonly MbedTlsVerifyOptions _chainOnly = new() { SkipNameCheck = true };

    /// <param name="hops">The servers, as probed.</param>
    /// <param name="extraTrust">Certificates the user trusts besides the system store (--trust).</param>
    /// <param name="systemRoots">Loads the system's trusted roots, when the extra ones do not suffice.</param>
    /// <param name="lifetimeYears">How long devices must keep working with the file.</param>
    /// <param name="now">The release date.</param>
    public static CaSelection Select(IReadOnlyList<ServerHop> hops, IReadOnlyList<CertificateInfo> extraTrust, Func<IReadOnlyList<CertificateInfo>> systemRoots, int lifetimeYears, DateTime now)
    {
        var anchors = new List<CertificateInfo>();
        var warnings = new List<Diagnostic>();
        foreach (var hop in hops)
        {
            var url = ServerProbe.Redact(hop.Url);
            var pool = extraTrust;
            var verdict = MbedTlsVerifier.Verify(hop.Served, pool, null, _chainOnly);
            if (!verdict.Trusted)
            {
                pool = [.. extraTrust, .. systemRoots()];
                verdict = MbedTlsVerifier.Verify(hop.Served, pool, null, _chainOnly);
            }

            if (!verdict.Trusted)
            {
                throw Untrusted(url, hop, verdict);
            }

            var anchor = verdict.Anchor!;
            var root = anchor.IsSelfSigned ? anchor : FindRoot(anchor, pool);
            var chosen = root ?? anchor;
            if (ReferenceEquals(chosen, hop.Served[0]))
            {
                warnings.Add(Warn(DiagnosticCodes.IntermediateAnchor, url,
                    $"the server's certificate is self-signed ({chosen.SubjectText}); it is its own CA, so every time it is regenerated the devices need a new firmware (the story's \"not correctly signed by the trusted CA\"). Serve a certificate from `esp-release ca dev` instead and embed that CA."));
            }
            else if (root is null)
            {
                warnings.Add(Warn(DiagnosticCodes.IntermediateAnchor, url,
                    $"no root above {anchor.SubjectText} is known, so that intermediate is written as the anchor. mbedtls accepts it, but devices break when the CA replaces it (intermediates rotate every few years). Pass the root with --trust."));
            }

            anchors.Add(chosen);
            if (!MbedTlsVerifier.Verify(hop.Served, [chosen], null, _chainOnly).Trusted && !ReferenceEquals(anchor, chosen))
            {
                anchors.Add(anchor);
                warnings.Add(Warn(DiagnosticCodes.ServerOmitsIntermediate, url,
                    $"the server omits its intermediate certificate ({anchor.SubjectText}): it sends {hop.Served.Count} certificate(s) and mbedtls never downloads a missing one. That intermediate is written too, so the device can build the chain, but it breaks when the CA rotates it. Fix the server to send its full chain (e.g. nginx ssl_certificate fullchain.pem)."));
            }
        }

        var distinct = anchors.DistinctBy(a => a.Sha256).ToList();
        foreach (var anchor in distinct.Where(a => a.NotAfter < now.AddYears(lifetimeYears)))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.RootExpiresInLifetime, Severity.Warning,
                $"{anchor.SubjectText} expires on {anchor.NotAfter:yyyy-MM-dd}, within the devices' {lifetimeYears}-year lifetime (--lifetime-years). The server will stop chaining to it before then; plan a firmware update that adds its successor."));
        }

        return new CaSelection(distinct, hops, warnings);
    }

    // Up through the trusted pool to a self-signed root.
    private static CertificateInfo? FindRoot(CertificateInfo anchor, IReadOnlyList<CertificateInfo> pool)
    {
        var current = anchor;
        for (var depth = 0; depth < 8; depth++)
        {
            var parent = pool.FirstOrDefault(p => p.IsCa && current.Issuer.MbedTlsEquals(p.Subject) && !ReferenceEquals(p, current) && current.IsSignedBy(p));
            if (parent is null)
            {
                return null;
            }

            if (parent.IsSelfSigned)
            {
                return parent;
            }

            current = parent;
        }

        return null;
    }

    private static EspReleaseException Untrusted(string url, ServerHop hop, MbedTlsVerdict verdict)
    {
        var top = verdict.Chain.Count > 0 ? verdict.Chain[^1] : hop.Served[0];
        var why = top.IsSelfSigned
            ? $"its chain ends at the self-signed certificate {top.SubjectText}, which is neither in the system trust store nor in --trust. If this is your own development server, pass that certificate (or the CA that issued it) with --trust; better, serve a certificate from `esp-release ca dev`"
            : hop.Served.Count == 1 && !top.IsSelfIssued
                ? $"the server sends only its own certificate ({top.SubjectText}) and omits the intermediate that issued it ({top.Certificate.Issuer}). mbedtls never downloads missing intermediates, so no device could verify it. Fix the server to send its full chain; or pass that intermediate and its root with --trust"
                : $"its chain ends at {top.SubjectText}, issued by {top.Certificate.Issuer}, which is neither in the system trust store nor in --trust. Pass that CA with --trust";
        return new EspReleaseException(DiagnosticCodes.NoTrustedRoot, $"{url}: no trusted root found: {why}.", url);
    }

    private static Diagnostic Warn(string code, string url, string message) => new(code, Severity.Warning, $"{url}: {message}", url);
}
