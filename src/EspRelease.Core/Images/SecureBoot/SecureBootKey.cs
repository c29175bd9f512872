using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace EspRelease.Core.Images.SecureBoot;

/// <summary>
/// A Secure Boot V2 key: RSA-3072, ECDSA P-256 or P-384, private (to sign) or public (to attach a
/// signature made elsewhere, or to name a block's signer). Load it with <see cref="SecureBootKeyLoader"/>.
/// The private half never appears in a message or a <c>ToString</c>.
/// </summary>
public sealed class SecureBootKey
{
    private readonly RSAParameters _rsa;
    private readonly ECParameters _ec;

    internal SecureBootKey(SecureBootScheme scheme, RSAParameters rsa, ECParameters ec, bool hasPrivateKey, string origin)
    {
        Scheme = scheme;
        _rsa = rsa;
        _ec = ec;
        HasPrivateKey = hasPrivateKey;
        Origin = origin;
        KeyMaterial = scheme == SecureBootScheme.Rsa3072 ? RsaKeyMaterial(rsa) : EcdsaKeyMaterial(scheme, ec);
        KeyDigest = SHA256.HashData(KeyMaterial);
    }

    public SecureBootScheme Scheme { get; }

    public bool HasPrivateKey { get; }

    /// <summary>Where the key came from (a path), for messages.</summary>
    public string Origin { get; }

    /// <summary>
    /// The public key as the block stores it: RSA n, e, rinv, m' (776 bytes); ECDSA curve id then X, Y
    /// little-endian (65 or 97 bytes).
    /// </summary>
    public byte[] KeyMaterial { get; }

    /// <summary>SHA-256 of <see cref="KeyMaterial"/>: what <c>espsecure digest-sbv2-public-key</c> prints and eFuse BLOCK_KEYn holds.</summary>
    public byte[] KeyDigest { get; }

    /// <summary>Field size of the curve in bytes (ECDSA), or the modulus size (RSA).</summary>
    internal int ComponentSize => Scheme == SecureBootScheme.Rsa3072 ? 384 : _ec.Q.X!.Length;

    /// <summary>Signs a pre-computed digest; the result is in the block's byte order (little-endian).</summary>
    internal byte[] Sign(byte[] digest)
    {
        if (Scheme == SecureBootScheme.Rsa3072)
        {
            using var rsa = RSA.Create(_rsa);
            // .NET's PSS salt is the hash length, 32 for SHA-256: what espsecure uses and the ROM expects.
            return Reversed(rsa.SignHash(digest, HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
        }

        using var ecdsa = ECDsa.Create(_ec);
        return ToBlockOrder(ecdsa.SignHash(digest, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>
    /// Checks a signature made elsewhere (an HSM, a KMS, openssl) over <paramref name="digest"/> and gives
    /// it in the block's byte order; null when it does not verify. RSA: the raw 384-byte big-endian
    /// signature. ECDSA: DER (what espsecure and openssl write) or raw r‖s big-endian (what some KMS return).
    /// </summary>
    internal byte[]? AcceptSignature(byte[] digest, byte[] signature)
    {
        try
        {
            if (Scheme == SecureBootScheme.Rsa3072)
            {
                using var rsa = RSA.Create(new RSAParameters { Modulus = _rsa.Modulus, Exponent = _rsa.Exponent });
                return signature.Length == 384 && rsa.VerifyHash(digest, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss)
                    ? Reversed(signature) : null;
            }

            using var ecdsa = ECDsa.Create(new ECParameters { Curve = _ec.Curve, Q = _ec.Q });
            var format = signature.Length == 2 * ComponentSize ? DSASignatureFormat.IeeeP1363FixedFieldConcatenation : DSASignatureFormat.Rfc3279DerSequence;
            if (!ecdsa.VerifyHash(digest, signature, format))
            {
                return null;
            }

            var fixedForm = format == DSASignatureFormat.IeeeP1363FixedFieldConcatenation ? signature : DerToFixed(signature, ComponentSize);
            return ToBlockOrder(fixedForm);
        }
        catch (CryptographicException)
        {
            // Malformed DER, or a length no signature of this key can have.
            return null;
        }
    }

    public override string ToString() => $"{Scheme.Name()} {(HasPrivateKey ? "signing" : "public")} key {Convert.ToHexStringLower(KeyDigest)} ({Origin})";

    // r and s each little-endian, as micro-ecc's "native" mode and the ROM read them.
    private byte[] ToBlockOrder(byte[] fixedRs)
    {
        var size = ComponentSize;
        return [.. Reversed(fixedRs[..size]), .. Reversed(fixedRs[size..])];
    }

    private static byte[] DerToFixed(byte[] der, int size)
    {
        var reader = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        var result = new byte[2 * size];
        Fixed(reader.ReadIntegerBytes().Span).CopyTo(result.AsSpan(0, size));
        Fixed(reader.ReadIntegerBytes().Span).CopyTo(result.AsSpan(size, size));
        return result;

        byte[] Fixed(ReadOnlySpan<byte> integer)
        {
            var trimmed = integer.TrimStart((byte)0);
            var field = new byte[size];
            trimmed.CopyTo(field.AsSpan(size - trimmed.Length));
            return field;
        }
    }

    // n, e, rinv = 2^6144 mod n, m' = -n^-1 mod 2^32: the Montgomery constants the ROM's RSA peripheral needs.
    private static byte[] RsaKeyMaterial(RSAParameters p)
    {
        var n = new BigInteger(p.Modulus, isUnsigned: true, isBigEndian: true);
        var material = new byte[776];
        p.Modulus.AsSpan().CopyTo(material.AsSpan(0, 384));
        material.AsSpan(0, 384).Reverse();
        BinaryPrimitives.WriteUInt32LittleEndian(material.AsSpan(384), (uint)new BigInteger(p.Exponent, isUnsigned: true, isBigEndian: true));
        var rinv = BigInteger.ModPow(2, 2 * 3072, n);
        rinv.TryWriteBytes(material.AsSpan(388, 384), out _, isUnsigned: true, isBigEndian: false);
        BinaryPrimitives.WriteUInt32LittleEndian(material.AsSpan(772), unchecked(0u - InverseMod2To32((uint)(n & uint.MaxValue))));
        return material;
    }

    // Newton's iteration doubles the correct low bits each step: 1 → 2 → … → 32 for an odd modulus.
    private static uint InverseMod2To32(uint odd)
    {
        var inverse = odd;
        for (var i = 0; i < 5; i++)
        {
            inverse = unchecked(inverse * (2 - odd * inverse));
        }

        return inverse;
    }

    private static byte[] EcdsaKeyMaterial(SecureBootScheme scheme, ECParameters p)
    {
        var size = p.Q.X!.Length;
        var curveId = scheme switch { SecureBootScheme.EcdsaP192 => 1, SecureBootScheme.EcdsaP256 => 2, _ => 3 };
        // P-192 points sit in the 64-byte P-256 field, zero-padded.
        var field = scheme == SecureBootScheme.EcdsaP384 ? 96 : 64;
        var material = new byte[1 + field];
        material[0] = (byte)curveId;
        Reversed(p.Q.X).CopyTo(material, 1);
        Reversed(p.Q.Y!).CopyTo(material, 1 + size);
        return material;
    }

    private static byte[] Reversed(byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        Array.Reverse(copy);
        return copy;
    }
}
