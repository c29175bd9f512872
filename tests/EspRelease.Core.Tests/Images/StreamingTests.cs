using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

public sealed class StreamingTests
{
    [Fact]
    public void A_16_MiB_image_is_inspected_without_holding_it_in_memory()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("big.bin");
        var builder = new ImageBuilder().AppDescriptor("big", "1.0.0");
        for (var i = 0; i < 4; i++)
        {
            builder.Segment(0x3ffb0000, new byte[(4 * 1024 * 1024) - 64]);
        }

        using (var file = File.Create(path))
        {
            builder.Write(file);
        }

        builder = null;
        GC.Collect();
        var before = GC.GetAllocatedBytesForCurrentThread();

        var image = AppImageReader.Inspect(path);

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(image.Valid, string.Join("\n", image.Diagnostics));
        Assert.True(image.Size > 16_000_000);
        // One pooled 256 KiB read buffer and small objects; far below the file's 16 MiB.
        Assert.True(allocated < 2 * 1024 * 1024, $"allocated {allocated} bytes to inspect {image.Size}");
    }
}
