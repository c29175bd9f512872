using EspRelease.Core.Hosts;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>The contract on Azure Blob Storage: the run's Azurite over HTTPS, a fresh container per test.</summary>
[Collection(AzuriteTestGroup.Name)]
public sealed class AzureBlobHostContractTests(AzuriteFixture fixture) : ReleaseHostContract
{
    protected override bool HasDeviceUrls => true;

    protected override Func<IReleaseHost> CreateStore()
    {
        var address = $"azure://{Azurite.AccountName}/c-{Guid.NewGuid():n}";
        var options = new AzureBlobHostOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(50) };
        return () => AzureBlobHost.Open(address, fixture.Azurite.Environment, options);
    }

    protected override HttpClient CreateHttpClient() => fixture.Azurite.CreateHttpClient();
}
