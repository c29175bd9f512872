namespace EspRelease.Testing.Fuzzing;

/// <summary>What a seed is: it decides which format-aware mutations it gets besides the byte-level ones.</summary>
public enum SeedFormat
{
    Binary,

    /// <summary>Line-oriented text (sdkconfig, Kconfig, PEM).</summary>
    Text,

    /// <summary>JSON (or JSON with comments, esp-release.json).</summary>
    Json,
}

/// <summary>A file the mutations start from: a fixture, or a file made from one (the packed release).</summary>
/// <param name="Name">The file's name (relative path) as the target lays it out.</param>
/// <param name="Bytes">The original bytes; never changed.</param>
/// <param name="Format">Which mutations suit it.</param>
public sealed record FuzzSeed(string Name, byte[] Bytes, SeedFormat Format)
{
    /// <summary>Byte ranges where the format keeps its fields (headers, descriptors, hashes); half the byte mutations land in one.</summary>
    public IReadOnlyList<(int Start, int Length)> Hot { get; init; } = [];

    /// <summary>How often it is picked against the other seeds of its target (1: as often as any).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>One of <paramref name="seeds"/>, each as often as its weight says.</summary>
    public static FuzzSeed Pick(Random rng, IReadOnlyList<FuzzSeed> seeds)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentNullException.ThrowIfNull(seeds);
        var ticket = rng.Next(seeds.Sum(s => s.Weight));
        foreach (var seed in seeds)
        {
            ticket -= seed.Weight;
            if (ticket < 0)
            {
                return seed;
            }
        }

        return seeds[^1];
    }
}

/// <summary>One input file of a case.</summary>
/// <param name="Name">Its relative path, as the target lays it out (e.g. <c>partition_table/partition-table.bin</c>).</param>
/// <param name="Bytes">Its (mutated) bytes.</param>
public sealed record FuzzFile(string Name, byte[] Bytes);

/// <summary>One case: the files that differ from the target's seeds.</summary>
public sealed record FuzzInput(IReadOnlyList<FuzzFile> Files)
{
    /// <summary>The file saved beside a case's inputs, saying what it was (target, seed, case, outcome, exception).</summary>
    public const string CaseFile = "case.txt";

    public static FuzzInput Of(string name, byte[] bytes) => new([new FuzzFile(name, bytes)]);

    /// <summary>The bytes of the file named <paramref name="name"/>; null when this case leaves it as seeded.</summary>
    public byte[]? Find(string name) => Files.FirstOrDefault(f => f.Name == name)?.Bytes;

    /// <summary>The bytes of the file named <paramref name="name"/>.</summary>
    public byte[] this[string name] => Find(name) ?? throw new KeyNotFoundException($"the case has no file {name}");

    /// <summary>Writes the files under <paramref name="directory"/> (created), with <paramref name="description"/> in case.txt.</summary>
    public void Save(string directory, string description)
    {
        Directory.CreateDirectory(directory);
        foreach (var file in Files)
        {
            var path = Path.Combine(directory, file.Name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, file.Bytes);
        }

        File.WriteAllText(Path.Combine(directory, CaseFile), description);
    }

    /// <summary>Reads back what <see cref="Save"/> wrote (every file but case.txt).</summary>
    public static FuzzInput Load(string directory) =>
        new(Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Where(name => name != CaseFile)
            .Order(StringComparer.Ordinal)
            .Select(name => new FuzzFile(name, File.ReadAllBytes(Path.Combine(directory, name))))
            .ToList());
}
