namespace EspRelease.Core.Images;

/// <summary>
/// One segment of an image. <see cref="HeaderOffset"/> is where its 8-byte header starts (what
/// esptool prints as "File offs"); the data follows at <see cref="DataOffset"/>.
/// </summary>
public sealed record ImageSegment(int Index, uint LoadAddress, uint Length, long HeaderOffset, IReadOnlyList<string> MemoryTypes, bool FlashMapped)
{
    public const int HeaderSize = 8;

    public long DataOffset => HeaderOffset + HeaderSize;
}
