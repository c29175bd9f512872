namespace EspRelease.Core.Images.SecureBoot;

/// <summary>A signed image: the bytes to write, and its blocks as read back and verified from those bytes.</summary>
public sealed record SignedImage(
    byte[] Bytes,
    IReadOnlyList<SignatureBlock> Blocks,
    int KeptBlocks,
    int ReplacedBlocks,
    ChipInfo Chip,
    byte[] SignedDigest);
