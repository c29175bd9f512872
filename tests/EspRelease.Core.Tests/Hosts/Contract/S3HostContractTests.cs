using EspRelease.Core.Hosts;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Hosts.Contract;

/// <summary>
/// The contract on S3: the run's s3rver over HTTPS with AWS's behaviour (SigV4 checked, conditional
/// PUTs honoured: tests/s3rver/server.js), a fresh prefix per test. Device URLs are presigned, one per object.
/// </summary>
[Collection(S3rverTestGroup.Name)]
public sealed class S3HostContractTests(S3rverFixture fixture) : ReleaseHostContract
{
    protected override bool HasDeviceUrls => true;

    protected override Func<IReleaseHost> CreateStore()
    {
        var address = $"s3://{fixture.Aws.Bucket}/c-{Guid.NewGuid():n}";
        var options = S3HostTests.TestOptions(fixture.Aws);
        return () => S3Host.Open(address, fixture.Aws.Environment, options);
    }

    protected override HttpClient CreateHttpClient() => TestPki.CreateHttpClient(fixture.Aws.Ca);
}
