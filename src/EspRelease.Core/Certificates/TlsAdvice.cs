using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Certificates;

/// <summary>Turns mbedtls's flags for one server into what went wrong, in the user's terms, and the fix.</summary>
public static class TlsAdvice
{
    /// <param name="hop">The server judged.</param>
    /// <param name="verdict">mbedtls's verdict.</param>
    /// <param name="file">The CA file (or image) judged.</param>
    /// <param name="trusted">The certificates in it.</param>
    /// <param name="fromImage">True when they came from a built image, not the project's file.</param>
    /// <param name="generation">The firmware's mbedtls generation.</param>
    public static Diagnostic Explain(ServerHop hop, MbedTlsVerdict verdict, string file, IReadOnlyList<CertificateInfo> trusted, bool fromImage, MbedTlsGeneration generation)
    {
        var url = ServerProbe.Redact(hop.Url);
        var flags = verdict.Flags;
        var device = $"the device would log \"mbedtls_ssl_handshake returned -0x2700\" and \"Failed to verify peer certificate!\" ({string.Join("; ", verdict.Reasons)}; flags 0x{flags:x8})";
        string code;
        string why;
        if ((flags & MbedTlsFlags.NotTrusted) != 0)
        {
            code = DiagnosticCodes.CertificateNotTrusted;
            why = NotTrustedReason(hop, verdict, file, trusted, fromImage);
        }
        else if ((flags & MbedTlsFlags.CnMismatch) != 0)
        {
            code = DiagnosticCodes.CertificateNameMismatch;
            var leaf = hop.Served[0];
            var names = leaf.HasSubjectAltNames
                ? string.Join(", ", leaf.DnsNames.Select(d => "DNS:" + d).Concat(leaf.IpAddresses.Select(i => "IP:" + i)))
                : "no subjectAltName; CN " + string.Join(", ", leaf.CommonNames);
            why = $"the device checks the host \"{hop.Url.IdnHost.Trim('[', ']')}\" against the server certificate ({names}) by {MbedTlsGenerations.Describe(generation)} rules: with a subjectAltName only SANs count{(generation != MbedTlsGeneration.V35Plus ? ", and an IP host matches only a dNSName (or a SAN-less CN) holding the IP's text, never an iPAddress SAN" : "")}. Issue the server certificate for that host (`esp-release ca dev` writes each IP both ways), or set common_name in esp_http_client_config_t to a name the certificate has";
        }
        else if ((flags & (MbedTlsFlags.KeyUsage | MbedTlsFlags.ExtKeyUsage)) != 0)
        {
            code = DiagnosticCodes.CertificateUsage;
            why = "the server certificate's keyUsage lacks digitalSignature or its extendedKeyUsage lacks serverAuth, which mbedtls requires of a TLS server. Reissue it as a server certificate";
        }
        else
        {
            code = DiagnosticCodes.CertificateDates;
            why = "a certificate in the chain is expired or not yet valid, and the firmware checks dates (CONFIG_MBEDTLS_HAVE_TIME_DATE). Renew it, or make sure the device's clock is set (SNTP) before the update";
        }

        return new Diagnostic(code, Severity.Error, $"{url}: {device}. Why: {why}.", file);
    }

    /// <summary>
    /// The warning for certificates a clockless firmware accepts out of date: expired (or not yet
    /// valid) today, so the day the firmware checks dates the device refuses the server. Null when
    /// every certificate is within its dates, or when the verdict checked them.
    /// </summary>
    public static Diagnostic? DatesIgnored(Uri url, MbedTlsVerdict verdict, string file, DateTime now)
    {
        if (verdict.OutOfDateIgnored.Count == 0)
        {
            return null;
        }

        var which = string.Join("; ", verdict.OutOfDateIgnored.Select(c => c.NotAfter < now
            ? $"{c.SubjectText} expired on {c.NotAfter:yyyy-MM-dd}"
            : $"{c.SubjectText} is valid only from {c.NotBefore:yyyy-MM-dd}"));
        var flag = verdict.OutOfDateIgnored.Any(c => c.NotAfter < now) ? MbedTlsFlags.Expired : MbedTlsFlags.Future;
        return new Diagnostic(DiagnosticCodes.CertificateDatesIgnored, Severity.Warning,
            $"{ServerProbe.Redact(url)}: {which}. The device accepts it today only because the firmware does not check dates (CONFIG_MBEDTLS_HAVE_TIME_DATE=n, ESP-IDF's default). A firmware that checks them (CONFIG_MBEDTLS_HAVE_TIME_DATE=y, with SNTP) refuses this server: \"verification info: {MbedTlsFlags.Describe(flag)[0]}\". Renew the certificate (`esp-release serve` issues current ones), and check with --check-dates.", file);
    }

    private static string NotTrustedReason(ServerHop hop, MbedTlsVerdict verdict, string file, IReadOnlyList<CertificateInfo> trusted, bool fromImage)
    {
        var leaf = hop.Served[0];
        var fetch = FetchCommand(hop, verdict, fromImage ? null : file);
        var fix = fromImage
            ? $"If server_certs was already fixed, this image is an old build: rebuild and flash it. Otherwise {fetch}, then rebuild and flash"
            : $"{char.ToUpperInvariant(fetch[0])}{fetch[1..]}, then rebuild and flash";
        if (trusted.All(t => !t.IsCa && !t.IsSelfIssued))
        {
            return $"{file} holds {Describe(trusted)}, a server (leaf) certificate, not a CA: what a browser exports. mbedtls never uses a leaf as a trust anchor. {fix}";
        }

        if (hop.Served.Count == 1 && leaf.IsSelfIssued)
        {
            return $"the server presents a self-signed certificate (SHA-256 {leaf.Sha256}) that is not in {file} (which holds {Describe(trusted)}): it was regenerated after the firmware was built, or the file comes from another server. {fix}; better, serve a certificate from `esp-release ca dev`, whose CA survives regeneration";
        }

        var top = verdict.Chain.Count > 0 ? verdict.Chain[^1] : leaf;
        if (trusted.Any(t => top.Issuer.MbedTlsEquals(t.Subject)))
        {
            return $"the server's chain ends at {top.SubjectText}, issued by \"{top.Certificate.Issuer}\"; {file} holds a CA of that name, but its key did not sign it: the CA was regenerated, or the file comes from another machine. {fix}";
        }

        return $"the chain stops at {top.SubjectText}: its issuer (\"{top.Certificate.Issuer}\") is neither sent by the server nor in {file}, which holds {Describe(trusted)}. Either the file holds the wrong CA, or that issuer is an intermediate the server omits (mbedtls never downloads one; make the server send its full chain). {fix}";
    }

    // The command that writes the right CA into the file judged: `ca fetch` completes the served chain
    // from the system store, so a private CA (a dev server's, the company's) must come with --trust.
    private static string FetchCommand(ServerHop hop, MbedTlsVerdict verdict, string? file)
    {
        var top = verdict.Chain.Count > 0 ? verdict.Chain[^1] : hop.Served[0];
        if (top.Certificate.Issuer.Contains(DevCertificateAuthority.CommonNamePrefix, StringComparison.Ordinal))
        {
            return "the server's certificate comes from the esp-release development CA: write that CA into the project with `esp-release ca dev --project <the ESP-IDF project>`";
        }

        var output = file is null ? "" : $" --out {Quote(file)}";
        var command = $"`esp-release ca fetch {ServerProbe.Redact(hop.Url)}{output}";
        return hop.PlatformTrusted
            ? $"run {command}` to write its public root"
            : top.IsSelfIssued && hop.Served.Count == 1
                ? $"run {command} --trust <the server's certificate file>` (it is self-signed, so it is its own CA)"
                : $"run {command} --trust <the PEM of \"{top.Certificate.Issuer}\">`: this server's chain ends in a private CA, which only --trust can supply";
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;

    private static string Describe(IReadOnlyList<CertificateInfo> certificates) =>
        string.Join(" + ", certificates.Select(c => $"\"{c.SubjectText}\" (SHA-256 {c.Sha256[..16]}…)"));
}
