namespace EspRelease.Testing.Fuzzing;

/// <summary>How a case ended.</summary>
public enum FuzzOutcome
{
    /// <summary>The entry point accepted the input (no error diagnostics).</summary>
    Ok,

    /// <summary>Refused with typed errors: error diagnostics on the result, or an EspReleaseException.</summary>
    Typed,

    /// <summary>Any other exception: a defect.</summary>
    Untyped,

    /// <summary>Still running after the time limit: a defect.</summary>
    Hang,
}

/// <summary>One public entry point of the core, fed mutants of its seeds.</summary>
public abstract class FuzzTarget(string name)
{
    public string Name { get; } = name;

    /// <summary>One case's input, from the seeds and <paramref name="rng"/> alone, so a seed and a case number give the same input.</summary>
    public abstract FuzzInput Generate(Random rng);

    /// <summary>
    /// Runs the input through the entry point in <paramref name="workspace"/> (this worker's own folder).
    /// Returns Ok or Typed; an EspReleaseException is the engine's to count as typed, and anything else it throws is untyped.
    /// </summary>
    public abstract FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace);
}

/// <summary>A worker's own folder, and the per-target state kept in it between cases.</summary>
public sealed class FuzzWorkspace(string root)
{
    private readonly Dictionary<string, object> _state = new(StringComparer.Ordinal);

    public string Root { get; } = root;

    /// <summary>The state <paramref name="target"/> keeps on this worker, made on first use in its own subfolder.</summary>
    public T Get<T>(FuzzTarget target, Func<string, T> create)
        where T : class
    {
        if (!_state.TryGetValue(target.Name, out var state))
        {
            var dir = Path.Combine(Root, target.Name);
            Directory.CreateDirectory(dir);
            state = create(dir);
            _state[target.Name] = state;
        }

        return (T)state;
    }
}

/// <summary>
/// A folder holding a copy of a set of files (a build directory, a project, a release) that cases change
/// and that is put back after each case, so a worker copies the tree once, not per case.
/// </summary>
public sealed class ScratchTree
{
    private readonly IReadOnlyDictionary<string, byte[]> _files;

    public ScratchTree(string root, IReadOnlyDictionary<string, byte[]> files)
    {
        Root = root;
        _files = files;
        foreach (var (name, bytes) in files)
        {
            Write(name, bytes);
        }
    }

    public string Root { get; }

    public string PathOf(string name) => Path.Combine(Root, name);

    /// <summary>Writes the case's files; disposing the result puts the originals back.</summary>
    public IDisposable Apply(FuzzInput input)
    {
        foreach (var file in input.Files)
        {
            Write(file.Name, file.Bytes);
        }

        return new Restore(this, input);
    }

    private void Write(string name, byte[] bytes)
    {
        var path = PathOf(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
    }

    private sealed class Restore(ScratchTree tree, FuzzInput input) : IDisposable
    {
        public void Dispose()
        {
            foreach (var file in input.Files)
            {
                if (tree._files.TryGetValue(file.Name, out var original))
                {
                    tree.Write(file.Name, original);
                }
                else
                {
                    File.Delete(tree.PathOf(file.Name));
                }
            }
        }
    }
}
