using System.Security.Cryptography;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Digests;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Crypto.Signers;
using Org.BouncyCastle.Math;

namespace EspRelease.Core.Signing;

/// <summary>
/// An ECDSA P-256 private key that signs manifests. Signatures are deterministic (RFC 6979,
/// BouncyCastle's HMAC-DRBG k), so the same payload and key always give the same bytes: packs are
/// reproducible. The key's material never appears in a message or a <c>ToString</c>.
/// </summary>
public sealed class SigningKey
{
    /// <summary>The environment variable CI secrets put the PEM in.</summary>
    public const string EnvironmentVariable = "ESP_RELEASE_SIGNING_KEY";

    private static readonly ECDomainParameters _p256 = CreateDomain();

    private readonly byte[] _d;

    private SigningKey(ECParameters parameters, string origin)
    {
        _d = parameters.D!;
        PublicKey = new VerificationKey(parameters, origin);
        Origin = origin;
    }

    public VerificationKey PublicKey { get; }

    public string KeyId => PublicKey.KeyId;

    /// <summary>Where the key came from: a path, or the environment variable's name.</summary>
    public string Origin { get; }

    public static SigningKey Generate()
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new SigningKey(ecdsa.ExportParameters(true), "(new key)");
    }

    public static SigningKey FromPem(string pem, string origin)
    {
        using var ecdsa = ImportP256(pem, origin, requirePrivate: true);
        return new SigningKey(ecdsa.ExportParameters(true), origin);
    }

    /// <summary>
    /// The key from <paramref name="path"/>, else from <see cref="EnvironmentVariable"/>. A path wins
    /// so a developer's explicit choice is never overridden by a stray variable.
    /// </summary>
    public static SigningKey Resolve(string? path, Func<string, string?> environment)
    {
        if (path is not null)
        {
            if (!InputFile.Exists(path))
            {
                throw new EspReleaseException(DiagnosticCodes.KeyNotFound,
                    $"{path}: signing key not found. Create one with `esp-release keygen --out {path}` (keep it out of the repository), or put the PEM in the {EnvironmentVariable} environment variable.", path, FailureKind.Usage);
            }

            return FromPem(InputFile.ReadAllText(path), path);
        }

        var fromEnvironment = environment(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return FromPem(fromEnvironment, "$" + EnvironmentVariable);
        }

        throw new EspReleaseException(DiagnosticCodes.KeyMissing,
            $"no signing key: pass --key <file>, set \"key\" in esp-release.json, or put the PEM in the {EnvironmentVariable} environment variable (for CI secrets). Create a key with `esp-release keygen --out signing-key.pem`.",
            kind: FailureKind.Usage);
    }

    /// <summary>PKCS#8 PEM of the private key, for <c>keygen</c> to write to a 0600 file.</summary>
    public string ExportPkcs8Pem()
    {
        using var ecdsa = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = _d, Q = PublicKey.Parameters.Q });
        return ecdsa.ExportPkcs8PrivateKeyPem() + "\n";
    }

    /// <summary>
    /// Starts BouncyCastle's one-time work (curve tables, JIT of the EC code: tens of milliseconds
    /// in a fresh process) on another thread, so it overlaps the image hashing that comes first.
    /// </summary>
    public Task WarmUpAsync() => Task.Run(() => Sign([]));

    /// <summary>ES256 over <paramref name="data"/>: SHA-256, deterministic ECDSA, R‖S as 32 bytes each (RFC 7518 §3.4).</summary>
    public byte[] Sign(ReadOnlySpan<byte> data)
    {
        var signer = new ECDsaSigner(new HMacDsaKCalculator(new Sha256Digest()));
        signer.Init(true, new ECPrivateKeyParameters(new BigInteger(1, _d), _p256));
        var rs = signer.GenerateSignature(SHA256.HashData(data));
        var signature = new byte[64];
        WriteFixed(rs[0], signature.AsSpan(0, 32));
        WriteFixed(rs[1], signature.AsSpan(32, 32));
        return signature;
    }

    // Big-endian, left-padded with zeros to the field size (RFC 7518 §3.4).
    private static void WriteFixed(BigInteger value, Span<byte> field)
    {
        var bytes = value.ToByteArrayUnsigned();
        bytes.CopyTo(field[(field.Length - bytes.Length)..]);
    }

    public override string ToString() => $"P-256 signing key {KeyId} ({Origin})";

    internal static ECDsa ImportP256(string pem, string origin, bool requirePrivate)
    {
        if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
        {
            throw Invalid(origin, "is password-protected (ENCRYPTED PRIVATE KEY); esp-release needs an unencrypted PKCS#8 key. Keep it in a secret store instead, and pass it through " + EnvironmentVariable);
        }

        var ecdsa = ECDsa.Create();
        try
        {
            ecdsa.ImportFromPem(pem);
        }
        catch (PlatformNotSupportedException)
        {
            // A well-formed EC key whose curve OID names no curve the platform knows (a damaged or exotic key).
            ecdsa.Dispose();
            throw Invalid(origin, "is an EC key on a curve this system does not know; ES256 needs P-256 (prime256v1)");
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            ecdsa.Dispose();
            // The exception text names only the PEM label or the ASN.1 problem, never key bytes.
            throw Invalid(origin, requirePrivate
                ? "is not an EC private key PEM (expected \"-----BEGIN PRIVATE KEY-----\" as `esp-release keygen` writes)"
                : "is not an EC key PEM (expected \"-----BEGIN PUBLIC KEY-----\" or a private key)");
        }

        var parameters = ecdsa.ExportParameters(false);
        if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
        {
            ecdsa.Dispose();
            throw Invalid(origin, $"is an EC key on {parameters.Curve.Oid?.FriendlyName ?? "another curve"}; ES256 needs P-256 (prime256v1)");
        }

        if (requirePrivate)
        {
            try
            {
                _ = ecdsa.ExportParameters(true);
            }
            catch (CryptographicException)
            {
                ecdsa.Dispose();
                throw Invalid(origin, "is a public key; signing needs the private key (the file `esp-release keygen --out` wrote, not key.pub.pem)");
            }
        }

        return ecdsa;
    }

    private static EspReleaseException Invalid(string origin, string what) =>
        new(DiagnosticCodes.KeyInvalid, $"{origin}: the key {what}.", origin.StartsWith('$') ? null : origin, FailureKind.Usage);

    private static ECDomainParameters CreateDomain()
    {
        var curve = ECNamedCurveTable.GetByName("P-256");
        return new ECDomainParameters(curve.Curve, curve.G, curve.N, curve.H, curve.GetSeed());
    }
}
