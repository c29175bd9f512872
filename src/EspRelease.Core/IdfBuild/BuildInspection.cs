using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Partitions;

namespace EspRelease.Core.IdfBuild;

/// <summary>What esp-release found in an <c>idf.py build</c> directory: each file inspected, and the cross-checks between them.</summary>
public sealed class BuildInspection
{
    public required string Directory { get; init; }

    public ProjectDescription? Project { get; internal set; }

    public FlasherArgs? Flasher { get; internal set; }

    public ImageInspection? App { get; internal set; }

    public ImageInspection? Bootloader { get; internal set; }

    public PartitionTable? PartitionTable { get; internal set; }

    public List<CrossCheck> CrossChecks { get; } = [];

    /// <summary>Problems with the directory itself and failed cross-checks; each file's own findings stay on that file.</summary>
    public List<Diagnostic> Diagnostics { get; } = [];

    /// <summary>Every diagnostic: the directory's, then the app's, the bootloader's and the partition table's.</summary>
    public IEnumerable<Diagnostic> AllDiagnostics =>
        Diagnostics
            .Concat(App?.Diagnostics ?? [])
            .Concat(Bootloader?.Diagnostics ?? [])
            .Concat(PartitionTable?.Diagnostics ?? []);

    public bool Valid => AllDiagnostics.All(d => d.Severity != Severity.Error);

    internal void Error(string code, string message, string? file = null) => Diagnostics.Add(new(code, Severity.Error, message, file ?? Directory));

    internal void Warn(string code, string message, string? file = null) => Diagnostics.Add(new(code, Severity.Warning, message, file ?? Directory));
}
