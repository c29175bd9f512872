using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Certificates;

/// <summary>
/// PEM files the way mbedtls_x509_crt_parse reads them (every CERTIFICATE block, text between
/// blocks ignored), and written the way ESP-IDF needs them: each block preceded by comment lines
/// naming it, and a final newline (the bundle generator drops a last certificate without one).
/// </summary>
public static class PemCertificates
{
    private const string Begin = "-----BEGIN CERTIFICATE-----";
    private const string End = "-----END CERTIFICATE-----";

    public static IReadOnlyList<CertificateInfo> ReadFile(string path)
    {
        if (!InputFile.Exists(path))
        {
            throw new EspReleaseException(DiagnosticCodes.CaFileNotFound,
                $"{path}: CA file not found. Create it with `esp-release ca fetch <https-url> --out {path}` (or `--project <dir>`).", path, FailureKind.Usage);
        }

        var found = Parse(InputFile.ReadAllText(path));
        return found.Count > 0 ? found : throw new EspReleaseException(DiagnosticCodes.CertificateFileInvalid,
            $"{path}: holds no PEM certificate (no \"{Begin}\" block that parses). The device would fail every TLS handshake. Write it with `esp-release ca fetch <https-url>`.", path, FailureKind.Refused);
    }

    /// <summary>Every certificate block in <paramref name="text"/> that parses; others are skipped, as mbedtls skips them.</summary>
    public static IReadOnlyList<CertificateInfo> Parse(string text)
    {
        var found = new List<CertificateInfo>();
        for (var start = text.IndexOf(Begin, StringComparison.Ordinal); start >= 0; start = text.IndexOf(Begin, start + Begin.Length, StringComparison.Ordinal))
        {
            var end = text.IndexOf(End, start, StringComparison.Ordinal);
            if (end < 0)
            {
                break;
            }

            try
            {
                var body = text.AsSpan(start + Begin.Length, end - start - Begin.Length).ToString();
                var der = Convert.FromBase64String(string.Concat(body.Where(c => !char.IsWhiteSpace(c))));
                found.Add(new CertificateInfo(X509CertificateLoader.LoadCertificate(der)));
            }
            catch (Exception e) when (e is FormatException or CryptographicException or ArgumentException)
            {
                // mbedtls_x509_crt_parse counts a bad block and goes on; esp-tls only warns.
            }
        }

        return found;
    }

    /// <summary>The certificates an app image carries as text (EMBED_TXTFILES stores the PEM verbatim).</summary>
    public static IReadOnlyList<CertificateInfo> FindInImage(string imagePath) =>
        Parse(Encoding.Latin1.GetString(InputFile.ReadAllBytes(imagePath, long.MaxValue)));

    /// <summary>PEM text for a CA file: per certificate, comment lines (subject, validity end, SHA-256) then the block; ends with a newline.</summary>
    public static string Format(IEnumerable<CertificateInfo> certificates)
    {
        var sb = new StringBuilder();
        foreach (var c in certificates)
        {
            sb.Append("# Subject: ").Append(c.SubjectText).Append('\n');
            sb.Append("# Not after: ").Append(c.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('\n');
            sb.Append("# SHA-256: ").Append(c.Sha256).Append('\n');
            sb.Append(c.Certificate.ExportCertificatePem().ReplaceLineEndings("\n")).Append('\n');
        }

        return sb.ToString();
    }
}
