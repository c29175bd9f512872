using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor;

/// <summary>
/// What <c>ca check</c> does, for the doctor: the chain the live server sends (every redirect hop),
/// judged by mbedtls's rules with the CA the device trusts: the one the build embeds when there is a
/// build, else the source tree's CA file. When the two differ it says which one the device would
/// accept, so "server_certs was fixed but the old build was flashed" is named as such.
/// </summary>
internal static class TlsCheck
{
    public static async Task<LiveCheck> RunAsync(DoctorContext context, CancellationToken cancellationToken)
    {
        var url = context.Url!;
        var (trusted, origin, fromImage) = context.DeviceCa();
        if (trusted is null || trusted.Count == 0)
        {
            return LiveCheck.CouldNotRun(new Diagnostic(DiagnosticCodes.CaFileNotFound, Severity.Warning,
                $"{ServerProbe.Redact(url)}: TLS was not judged: the project's CA file {context.CaFile ?? "(no project)"} is missing or holds no certificate, and no build carries one.", context.CaFile));
        }

        IReadOnlyList<ServerHop> hops;
        try
        {
            hops = await ServerProbe.ProbeAsync(url, context.Options.Timeouts, cancellationToken);
        }
        catch (EspReleaseException e) when (e.Kind == FailureKind.Host)
        {
            return LiveCheck.CouldNotRun(e.Diagnostic);
        }

        var options = new MbedTlsVerifyOptions { Generation = context.Generation, Now = context.Now };
        foreach (var hop in hops)
        {
            var host = hop.Url.IdnHost.Trim('[', ']');
            var verdict = MbedTlsVerifier.Verify(hop.Served, trusted, host, options);
            if (verdict.Trusted)
            {
                continue;
            }

            // The source tree's file, when the build embeds another: would the next build work?
            var source = fromImage && context.SourceCa is { Count: > 0 } sourceCa && !SameCertificates(sourceCa, trusted)
                ? MbedTlsVerifier.Verify(hop.Served, sourceCa, host, options)
                : null;
            var advice = TlsAdvice.Explain(hop, verdict, origin, trusted, fromImage, context.Generation);
            var stale = source is { Trusted: true };
            return LiveCheck.Failed(new DoctorFinding
            {
                Code = CodeOf(verdict.Flags),
                Severity = Severity.Error,
                Cause = advice.Message,
                Fix = stale
                    ? $"{context.CaFile} is already right and the build is stale: rebuild and flash (`idf.py build flash`)."
                    : $"Put the CA that issued the server's chain into {context.CaFile ?? "the project's CA file"} (the cause names the command), then rebuild and flash.",
                Lines = MbedTlsFlags.DeviceLog(verdict.Flags),
                Evidence = Evidence(hop, verdict, origin, trusted, context, source),
                Predicted = true,
                Confirmed = true,
                File = fromImage ? origin : context.CaFile,
            });
        }

        // The flashed build works; the next one, built from the source tree's file, would not.
        if (fromImage && context.SourceCa is { Count: > 0 } next && !SameCertificates(next, trusted))
        {
            foreach (var hop in hops)
            {
                var verdict = MbedTlsVerifier.Verify(hop.Served, next, hop.Url.IdnHost.Trim('[', ']'), options);
                if (!verdict.Trusted)
                {
                    var advice = TlsAdvice.Explain(hop, verdict, context.CaFile!, next, fromImage: false, context.Generation);
                    return LiveCheck.Failed(new DoctorFinding
                    {
                        Code = CodeOf(verdict.Flags),
                        Severity = Severity.Error,
                        Cause = $"The build in {context.BuildDir} still works, but the next one will not: {advice.Message}",
                        Fix = $"Put the CA that issued the server's chain back into {context.CaFile} before the next build (the cause names the command).",
                        Lines = MbedTlsFlags.DeviceLog(verdict.Flags),
                        Evidence = Evidence(hop, verdict, context.CaFile!, next, context, null) + $" The build embeds another CA ({origin}), which mbedtls accepts.",
                        Predicted = true,
                        Confirmed = true,
                        File = context.CaFile,
                    });
                }
            }
        }

        return LiveCheck.Passed($"mbedtls accepts the chain of {string.Join(", ", hops.Select(h => ServerProbe.Redact(h.Url)))} with {origin}.");
    }

    /// <summary>True when both hold the same certificates (by SHA-256), in any order.</summary>
    public static bool SameCertificates(IReadOnlyList<CertificateInfo> a, IReadOnlyList<CertificateInfo> b) =>
        a.Select(c => c.Sha256).ToHashSet(StringComparer.Ordinal).SetEquals(b.Select(c => c.Sha256));

    private static string CodeOf(uint flags) =>
        (flags & MbedTlsFlags.NotTrusted) != 0 ? DiagnosticCodes.DeviceCaNotTrusted
        : (flags & MbedTlsFlags.CnMismatch) != 0 ? DiagnosticCodes.DeviceNameMismatch
        : (flags & (MbedTlsFlags.Expired | MbedTlsFlags.Future)) != 0 ? DiagnosticCodes.DeviceCertificateDates
        : DiagnosticCodes.DeviceCaNotTrusted;

    private static string Evidence(ServerHop hop, MbedTlsVerdict verdict, string origin, IReadOnlyList<CertificateInfo> trusted, DoctorContext context, MbedTlsVerdict? source)
    {
        var served = string.Join(" ← ", hop.Served.Select(c => $"\"{c.SubjectText}\" issued by \"{c.Certificate.Issuer}\" (SHA-256 {c.Sha256[..16]}…)"));
        var held = string.Join(" + ", trusted.Select(c => c.ToString()));
        var text = $"{ServerProbe.Redact(hop.Url)} served {served}; {origin} holds {held}; mbedtls flags 0x{verdict.Flags:x8} ({string.Join(" | ", MbedTlsFlags.Names(verdict.Flags))}).";
        if (source is not null)
        {
            text += source.Trusted
                ? $" The build embeds another CA than the source tree: {context.CaFile} would be accepted, so the flashed build is stale."
                : $" The build embeds another CA than the source tree, and {context.CaFile} would be refused too.";
        }

        return text;
    }
}
