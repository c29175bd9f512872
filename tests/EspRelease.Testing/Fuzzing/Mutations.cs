namespace EspRelease.Testing.Fuzzing;

/// <summary>Stacks mutations: each case gets one to eight (fewer more often), each chosen for the seed's format.</summary>
public static class Mutations
{
    private const int MaxStack = 8;

    public static byte[] Apply(FuzzSeed seed, Random rng) => Apply(seed.Bytes, seed.Format, rng, seed.Hot);

    /// <param name="original">The bytes to start from (not changed).</param>
    /// <param name="format">Which format-aware mutations apply.</param>
    /// <param name="rng">The case's random source.</param>
    /// <param name="hot">Where the format's fields are, for byte mutations.</param>
    public static byte[] Apply(byte[] original, SeedFormat format, Random rng, IReadOnlyList<(int Start, int Length)>? hot = null)
    {
        var limit = ByteMutator.LimitFor(original.Length);
        var data = (byte[])original.Clone();
        // One case in 64 keeps the seed as it is: the baseline every mutant is measured against.
        if (rng.Next(64) == 0)
        {
            return data;
        }

        var count = 1;
        while (count < MaxStack && rng.Next(2) == 0)
        {
            count++;
        }

        for (var i = 0; i < count; i++)
        {
            data = format switch
            {
                SeedFormat.Json when rng.Next(10) < 7 => JsonMutator.Mutate(data, rng, limit) ?? ByteMutator.Mutate(data, rng, hot ?? [], limit),
                SeedFormat.Text when rng.Next(2) == 0 => TextMutator.Mutate(data, rng, limit),
                _ => ByteMutator.Mutate(data, rng, hot ?? [], limit),
            };
        }

        return data;
    }
}
