using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Extra CAs a host's endpoint is trusted with besides the system store (an emulator or a local
/// S3-compatible server with a development CA), named by an environment variable.
/// </summary>
internal static class HostTrust
{
    /// <summary>The CAs in the PEM file <paramref name="variable"/> names; null when it is unset.</summary>
    /// <param name="environment">Reads an environment variable.</param>
    /// <param name="variable">The variable naming the PEM file.</param>
    /// <param name="endpoint">What the CA issued the certificate of, for messages ("the Blob endpoint").</param>
    public static X509Certificate2Collection? FromEnvironment(Func<string, string?> environment, string variable, string endpoint)
    {
        var file = environment(variable);
        if (string.IsNullOrWhiteSpace(file))
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new EspReleaseException(DiagnosticCodes.CertificateFileInvalid,
                $"{file} (from {variable}): cannot read CA certificates from it ({e.Message}). Expected a PEM file holding the CA that issued {endpoint}'s certificate, e.g. the one `esp-release ca dev` prints.", file, FailureKind.Usage);
        }

        return roots.Count > 0 ? roots : throw new EspReleaseException(DiagnosticCodes.CertificateFileInvalid,
            $"{file} (from {variable}): no PEM certificate in it. Expected the CA that issued {endpoint}'s certificate.", file, FailureKind.Usage);
    }

    /// <summary>A handler whose TLS validation also accepts chains to <paramref name="roots"/>.</summary>
    public static SocketsHttpHandler Handler(X509Certificate2Collection roots)
    {
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Trusted(roots, certificate, chain, errors);
        return handler;
    }

    // The system store first; the extra roots only complete a chain the system could not, and never excuse a name mismatch.
    private static bool Trusted(X509Certificate2Collection roots, X509Certificate? certificate, X509Chain? served, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(roots);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (served is not null)
        {
            foreach (var element in served.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
