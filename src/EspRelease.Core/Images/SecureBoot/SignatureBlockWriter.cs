using System.Buffers.Binary;
using System.IO.Hashing;

namespace EspRelease.Core.Images.SecureBoot;

/// <summary>Lays out one 1216-byte Secure Boot V2 block and the 4 KiB sector (format spec §3.1–3.4).</summary>
internal static class SignatureBlockWriter
{
    private const int CrcOffset = 1196;

    /// <summary>
    /// magic, version, SHA version, 0; digest; key material; signature; zeros; CRC32 of bytes 0–1195;
    /// 16 zeros. Every scheme puts the key right after the digest and the signature right after the key.
    /// </summary>
    public static byte[] Block(SecureBootKey key, byte[] digest, byte[] signatureInBlockOrder)
    {
        var block = new byte[SignatureBlock.Size];
        block[0] = SignatureBlock.Magic;
        block[1] = key.Scheme == SecureBootScheme.Rsa3072 ? (byte)0x02 : (byte)0x03;
        block[2] = key.Scheme.UsesSha384() ? (byte)0x01 : (byte)0x00;
        digest.CopyTo(block, 4);
        var keyOffset = 4 + digest.Length;
        key.KeyMaterial.CopyTo(block, keyOffset);
        signatureInBlockOrder.CopyTo(block, keyOffset + key.KeyMaterial.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(CrcOffset), Crc32.HashToUInt32(block.AsSpan(0, CrcOffset)));
        return block;
    }

    /// <summary>The blocks in order, then 0xFF to 4096 bytes: an unused slot reads as absent.</summary>
    public static byte[] Sector(IEnumerable<byte[]> blocks)
    {
        var sector = new byte[SignatureBlock.SectorSize];
        sector.AsSpan().Fill(0xFF);
        var offset = 0;
        foreach (var block in blocks)
        {
            block.CopyTo(sector, offset);
            offset += SignatureBlock.Size;
        }

        return sector;
    }
}
