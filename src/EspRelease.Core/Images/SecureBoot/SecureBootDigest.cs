namespace EspRelease.Core.Images.SecureBoot;

/// <summary>
/// What a Secure Boot V2 signature signs: the image padded with 0xFF to the next 4 KiB boundary, and its
/// SHA-256 (RSA, P-256) or SHA-384 (P-384) digest. An HSM or KMS signs the digest as a pre-hashed value;
/// a tool that hashes itself (openssl dgst, espsecure) signs <see cref="PaddedImage"/>.
/// </summary>
public sealed record SecureBootDigest(byte[] PaddedImage, byte[] Sha256, byte[] Sha384, ChipInfo Chip)
{
    public byte[] For(SecureBootScheme scheme) => scheme.UsesSha384() ? Sha384 : Sha256;
}
