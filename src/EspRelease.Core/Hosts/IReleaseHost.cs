using EspRelease.Core.Releases;

namespace EspRelease.Core.Hosts;

/// <summary>A small object read from a host, with the tag that names this exact content (for conditional replace).</summary>
public sealed record HostObject(byte[] Content, string Tag);

/// <summary>
/// Where releases live: a folder, Azure Blob Storage, the dev server's root. Paths are '/'-separated
/// and relative to the host's root. Release files are create-only; only channel pointers are
/// replaced, and only if nobody replaced them since they were read.
/// </summary>
public interface IReleaseHost
{
    /// <summary>How to name the host in messages, with any secret redacted.</summary>
    string Display { get; }

    /// <summary>Reads a small object (a manifest or a pointer); null when it does not exist.</summary>
    Task<HostObject?> ReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>Opens an object for reading (a seekable stream), or returns null when it does not exist.</summary>
    Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken);

    /// <summary>The paths of every object whose path starts with <paramref name="prefix"/>.</summary>
    Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken);

    /// <summary>
    /// Creates an immutable object from a local file. Returns false when the same bytes are already
    /// there; throws <see cref="Diagnostics.EspReleaseException"/> (ImmutableConflict) when other bytes are.
    /// </summary>
    /// <param name="path">Where, relative to the host root.</param>
    /// <param name="localFile">The file to upload.</param>
    /// <param name="sha256">Its SHA-256 (lowercase hex), already known, used to compare with what is there.</param>
    /// <param name="progress">Receives bytes written.</param>
    /// <param name="cancellationToken">Cancels the upload; nothing is left at <paramref name="path"/>.</param>
    Task<bool> CreateAsync(string path, string localFile, string sha256, IProgress<ProgressReport>? progress, CancellationToken cancellationToken);

    /// <summary>Creates an immutable small object; same rules as the file overload.</summary>
    Task<bool> CreateAsync(string path, byte[] content, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces a pointer atomically, if its current tag is still <paramref name="expectedTag"/>
    /// (null: it must not exist yet); else throws (ConcurrentPublish) and changes nothing.
    /// </summary>
    Task ReplaceAsync(string path, byte[] content, string? expectedTag, CancellationToken cancellationToken);
}
