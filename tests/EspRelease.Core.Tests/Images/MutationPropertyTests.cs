using CsCheck;
using EspRelease.Core.Images;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images;

/// <summary>
/// Random mutations and truncations of the real fixtures: the parser may only answer with a result
/// whose problems are typed diagnostics, never an exception.
/// </summary>
public sealed class MutationPropertyTests
{
    private static readonly byte[][] _fixtures = Directory.EnumerateFiles(Fixtures.Images, "*.bin").Order()
        .Select(File.ReadAllBytes).ToArray();

    private static readonly Gen<byte[]> _mutated =
        from index in Gen.Int[0, _fixtures.Length - 1]
        let original = _fixtures[index]
        from edits in Gen.Select(Gen.Int[0, original.Length - 1], Gen.Byte).Array[0, 8]
        from cut in Gen.Frequency((3, Gen.Const(original.Length)), (1, Gen.Int[0, original.Length]))
        select Mutate(original, edits, cut);

    private static byte[] Mutate(byte[] original, (int Offset, byte Value)[] edits, int cut)
    {
        var copy = original[..cut];
        foreach (var (offset, value) in edits.Where(e => e.Offset < copy.Length))
        {
            copy[offset] = value;
        }

        return copy;
    }

    [Fact]
    public void Mutated_images_give_a_result_or_typed_errors() =>
        _mutated.Sample(bytes =>
        {
            var image = AppImageReader.Inspect(new MemoryStream(bytes), "mutant.bin");
            Assert.Equal(bytes.Length, image.Size);
            Assert.NotNull(image.FileSha256);
            Assert.All(image.Diagnostics, d => Assert.Matches("^ESPR[12][0-9]{3}$", d.Code));
            Assert.True(image.Valid || image.Errors.Any());
        }, iter: 3000, seed: "0N0XIzNsQ0O2");

    [Fact]
    public void Header_field_mutations_are_caught_or_harmless() =>
        // Mutate only the first 64 bytes (header, first segment header, descriptor magic) of the blink app.
        Gen.Select(Gen.Int[0, 63], Gen.Byte.Where(b => b != 0)).Sample((offset, xor) =>
        {
            var bytes = (byte[])_fixtures.First(f => f.Length == 182368).Clone();
            bytes[offset] ^= xor;
            var image = AppImageReader.Inspect(new MemoryStream(bytes), "mutant.bin");
            // Every header byte is covered by the appended SHA-256, so any change must be detected.
            Assert.False(image.Valid);
        }, iter: 500);
}
