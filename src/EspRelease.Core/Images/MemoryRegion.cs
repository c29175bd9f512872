namespace EspRelease.Core.Images;

/// <summary>An address range [Start, End) of a chip's memory map and the label esptool gives it.</summary>
public readonly record struct MemoryRegion(uint Start, uint End, string Label)
{
    public bool Contains(uint address) => address >= Start && address < End;
}
