using EspRelease.Core.Hosts;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>The contract on a folder in a temporary directory (each client a new DirectoryHost on it, as another process).</summary>
public sealed class DirectoryHostContractTests : ReleaseHostContract
{
    protected override Func<IReleaseHost> CreateStore()
    {
        var root = Scratch("site");
        return () => new DirectoryHost(root);
    }
}
