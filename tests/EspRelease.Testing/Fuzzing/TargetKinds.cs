using System.Text;

namespace EspRelease.Testing.Fuzzing;

/// <summary>A target fed one mutated seed in memory (a span or a stream, as the entry point takes it).</summary>
internal sealed class MemoryTarget(string name, IReadOnlyList<FuzzSeed> seeds, Func<FuzzFile, FuzzOutcome> run) : FuzzTarget(name)
{
    public override FuzzInput Generate(Random rng)
    {
        var seed = FuzzSeed.Pick(rng, seeds);
        return FuzzInput.Of(seed.Name, Mutations.Apply(seed, rng));
    }

    public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace) => run(input.Files[0]);
}

/// <summary>A target fed one mutated seed as a file, through the entry point that takes a path (the CLI's).</summary>
internal sealed class FileTarget(string name, IReadOnlyList<FuzzSeed> seeds, Func<string, FuzzOutcome> run) : FuzzTarget(name)
{
    public override FuzzInput Generate(Random rng)
    {
        var seed = FuzzSeed.Pick(rng, seeds);
        return FuzzInput.Of(seed.Name, Mutations.Apply(seed, rng));
    }

    public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace)
    {
        var file = input.Files[0];
        var path = Path.Combine(workspace.Get(this, dir => dir), file.Name);
        File.WriteAllBytes(path, file.Bytes);
        return run(path);
    }
}

/// <summary>
/// A target that reads a folder (a build directory, a project, a release): each case changes one of its
/// files, sometimes two, in the worker's copy, which is put back afterwards.
/// </summary>
internal sealed class TreeTarget(string name, IReadOnlyDictionary<string, byte[]> files, IReadOnlyList<FuzzSeed> seeds, Func<string, FuzzOutcome> run) : FuzzTarget(name)
{
    public override FuzzInput Generate(Random rng)
    {
        var first = FuzzSeed.Pick(rng, seeds);
        var second = rng.Next(4) == 0 ? FuzzSeed.Pick(rng, seeds) : first;
        return new FuzzInput([.. new[] { first, second }.DistinctBy(seed => seed.Name).Select(seed => new FuzzFile(seed.Name, Mutations.Apply(seed, rng)))]);
    }

    public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace)
    {
        var tree = workspace.Get(this, dir => new ScratchTree(dir, files));
        using (tree.Apply(input))
        {
            return run(tree.Root);
        }
    }
}

internal static class Text
{
    /// <summary>Bytes as text the way InputFile.ReadAllText reads a file (UTF-8 unless a byte order mark says otherwise).</summary>
    public static string Decode(byte[] bytes)
    {
        using var reader = new StreamReader(new MemoryStream(bytes), Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return reader.ReadToEnd();
    }
}
