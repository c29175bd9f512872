using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;

namespace EspRelease.Core.Images;

/// <summary>
/// One Secure Boot V2 signature block (1216 bytes) from the 4 KiB sector after a signed image.
/// It carries the signer's public key, so the signature can be checked here; whether the device
/// trusts that key is a separate question (eFuse key digests, or the running app's own blocks).
/// </summary>
public sealed record SignatureBlock(
    int Index,
    string Scheme,
    byte[] StoredDigest,
    byte[] KeyDigest,
    bool? SignatureValid,
    bool DigestMatches)
{
    public const int Size = 1216;
    public const int SectorSize = 4096;
    public const int MaxBlocks = 3;
    public const byte Magic = 0xE7;
    private const int CrcOffset = 1196;

    /// <summary>A block is present iff it starts with 0xE7 and its CRC32 (IEEE) over bytes 0–1195 matches.</summary>
    public static bool IsPresent(ReadOnlySpan<byte> block) =>
        block.Length >= Size && block[0] == Magic &&
        BinaryPrimitives.ReadUInt32LittleEndian(block[CrcOffset..]) == Crc32.HashToUInt32(block[..CrcOffset]);

    /// <summary>True when block 0 of the sector is an ECDSA P-384 block, whose digest is SHA-384 instead of SHA-256.</summary>
    public static bool UsesSha384(ReadOnlySpan<byte> sector) => IsPresent(sector) && sector[1] == 0x03 && sector[2] == 0x01;

    /// <summary>Reads the valid blocks at the start of <paramref name="sector"/>; stops at the first absent one, as espsecure does.</summary>
    public static IReadOnlyList<SignatureBlock> ReadSector(ReadOnlySpan<byte> sector, byte[] sha256Digest, byte[]? sha384Digest)
    {
        var blocks = new List<SignatureBlock>();
        for (var i = 0; i < MaxBlocks && IsPresent(sector[(i * Size)..]); i++)
        {
            blocks.Add(Read(i, sector.Slice(i * Size, Size), sha256Digest, sha384Digest));
        }

        return blocks;
    }

    private static SignatureBlock Read(int index, ReadOnlySpan<byte> b, byte[] sha256Digest, byte[]? sha384Digest)
    {
        switch (b[1])
        {
            case 0x02:
                {
                    var digest = b.Slice(4, 32).ToArray();
                    return new(index, "RSA-3072-PSS", digest, SHA256.HashData(b.Slice(36, 776)),
                        VerifyRsa(b, digest), digest.AsSpan().SequenceEqual(sha256Digest));
                }

            case 0x03 when b[2] == 0x01:
                {
                    var digest = b.Slice(4, 48).ToArray();
                    return new(index, "ECDSA-P384", digest, SHA256.HashData(b.Slice(52, 97)),
                        VerifyEcdsa(ECCurve.NamedCurves.nistP384, 48, b.Slice(53, 96), b.Slice(149, 96), digest),
                        sha384Digest is not null && digest.AsSpan().SequenceEqual(sha384Digest));
                }

            case 0x03:
                {
                    var digest = b.Slice(4, 32).ToArray();
                    var (name, curve, size) = b[36] == 1
                        ? ("ECDSA-P192", ECCurve.CreateFromValue("1.2.840.10045.3.1.1"), 24)
                        : ("ECDSA-P256", ECCurve.NamedCurves.nistP256, 32);
                    return new(index, name, digest, SHA256.HashData(b.Slice(36, 65)),
                        VerifyEcdsa(curve, size, b.Slice(37, 64), b.Slice(101, 64), digest),
                        digest.AsSpan().SequenceEqual(sha256Digest));
                }

            default:
                return new(index, $"unknown (version 0x{b[1]:x2})", b.Slice(4, 32).ToArray(), [], null, false);
        }
    }

    private static bool? VerifyRsa(ReadOnlySpan<byte> b, byte[] digest)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportParameters(new RSAParameters
            {
                Modulus = BigEndian(b.Slice(36, 384)),
                Exponent = TrimLeadingZeros(BigEndian(b.Slice(420, 4))),
            });
            return rsa.VerifyHash(digest, BigEndian(b.Slice(812, 384)), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static bool? VerifyEcdsa(ECCurve curve, int size, ReadOnlySpan<byte> point, ReadOnlySpan<byte> signature, byte[] digest)
    {
        try
        {
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = curve,
                Q = new ECPoint { X = BigEndian(point[..size]), Y = BigEndian(point.Slice(size, size)) },
            });
            var rs = new byte[size * 2];
            BigEndian(signature[..size]).CopyTo(rs, 0);
            BigEndian(signature.Slice(size, size)).CopyTo(rs, size);
            return ecdsa.VerifyHash(digest, rs);
        }
        catch (Exception e) when (e is CryptographicException or PlatformNotSupportedException)
        {
            // An invalid point, or a curve (P-192) this platform's crypto library does not offer.
            return null;
        }
    }

    private static byte[] BigEndian(ReadOnlySpan<byte> littleEndian)
    {
        var copy = littleEndian.ToArray();
        Array.Reverse(copy);
        return copy;
    }

    private static byte[] TrimLeadingZeros(byte[] value)
    {
        var first = Array.FindIndex(value, x => x != 0);
        return first <= 0 ? value : value[first..];
    }
}
