using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>
/// Forwards every call to a REAL host (a folder, Azurite, ...) and lets a test act around each
/// mutating call (both creates, the replace): hold it at a barrier, or stop there as if the process
/// died. This is fault injection over the real server, not a mock: every call that is forwarded
/// reaches the real store and does there what it always does.
/// </summary>
internal sealed class InterceptingHost(IReleaseHost inner, Func<string, Func<CancellationToken, Task>, CancellationToken, Task> around) : IReleaseHost
{
    public string Display => inner.Display;

    public Task<HostObject?> ReadAsync(string path, CancellationToken cancellationToken) => inner.ReadAsync(path, cancellationToken);

    public Task<Stream?> OpenReadAsync(string path, CancellationToken cancellationToken) => inner.OpenReadAsync(path, cancellationToken);

    public Task<IReadOnlyList<string>> ListAsync(string prefix, CancellationToken cancellationToken) => inner.ListAsync(prefix, cancellationToken);

    public async Task<bool> CreateAsync(string path, string localFile, string sha256, IProgress<ProgressReport>? progress, CancellationToken cancellationToken)
    {
        var created = false;
        await around(path, async token => created = await inner.CreateAsync(path, localFile, sha256, progress, token), cancellationToken);
        return created;
    }

    public async Task<bool> CreateAsync(string path, byte[] content, CancellationToken cancellationToken)
    {
        var created = false;
        await around(path, async token => created = await inner.CreateAsync(path, content, token), cancellationToken);
        return created;
    }

    public Task ReplaceAsync(string path, byte[] content, string? expectedTag, CancellationToken cancellationToken) =>
        around(path, token => inner.ReplaceAsync(path, content, expectedTag, token), cancellationToken);
}

/// <summary>Thrown where a killed process would have stopped: nothing after it runs.</summary>
internal sealed class ProcessDiedException(string where) : Exception($"simulated death at {where}");
