using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Signing;

/// <summary>A P-256 public key that checks ES256 signatures, named by its RFC 7638 thumbprint.</summary>
public sealed class VerificationKey
{
    internal VerificationKey(ECParameters publicParameters, string? origin)
    {
        Parameters = new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = publicParameters.Q };
        KeyId = JwkThumbprint.Compute(Parameters.Q.X, Parameters.Q.Y);
        Origin = origin;
    }

    /// <summary>The RFC 7638 thumbprint (the JWS <c>kid</c>).</summary>
    public string KeyId { get; }

    /// <summary>Where the key came from (a file path or an environment variable's name), for reports.</summary>
    public string? Origin { get; }

    internal ECParameters Parameters { get; }

    /// <summary>Loads a public key (SPKI "PUBLIC KEY" PEM), or the public half of a private key PEM.</summary>
    public static VerificationKey FromPem(string pem, string origin)
    {
        using var ecdsa = SigningKey.ImportP256(pem, origin, requirePrivate: false);
        return new VerificationKey(ecdsa.ExportParameters(false), origin);
    }

    public static VerificationKey Load(string path)
    {
        if (!InputFile.Exists(path))
        {
            throw new EspReleaseException(DiagnosticCodes.KeyNotFound, $"{path}: key file not found. Pass the public key written by `esp-release keygen` (key.pub.pem) or the private key.", path, FailureKind.Usage);
        }

        return FromPem(InputFile.ReadAllText(path), path);
    }

    /// <summary>Checks a JOSE ES256 signature (R‖S, 32 bytes each) over <paramref name="data"/>.</summary>
    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        if (signature.Length != 64)
        {
            return false;
        }

        using var ecdsa = ECDsa.Create(Parameters);
        return ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <summary>The key as SubjectPublicKeyInfo PEM, for <c>key.pub.pem</c> and for devices.</summary>
    public string ExportPem()
    {
        using var ecdsa = ECDsa.Create(Parameters);
        return ecdsa.ExportSubjectPublicKeyInfoPem() + "\n";
    }
}
