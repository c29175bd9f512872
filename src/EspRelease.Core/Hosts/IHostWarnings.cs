using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// A host that can warn about how it carried out a change (S3: a pointer replaced without a condition on
/// a service that ignores them). A channel change carries these warnings with its own, so every command
/// and face reports them without knowing the host's type.
/// </summary>
public interface IHostWarnings
{
    /// <summary>What this host warned about so far.</summary>
    IReadOnlyList<Diagnostic> Warnings { get; }
}
