using System.Net;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Certificates;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Certificates;

/// <summary>
/// The verifier against the real thing: every case is also run through device-sim's offline verify
/// (Debian's mbedtls 2.28, the device's library), and the flags must be identical.
/// </summary>
public sealed class MbedTlsCrossCheckTests
{
    private static readonly X509Certificate2 _root = TestPki.CreateRoot("Cross Root");
    private static readonly X509Certificate2 _rsaRoot = TestPki.CreateRoot("Cross RSA Root", rsa: true);
    private static readonly X509Certificate2 _otherRoot = TestPki.CreateRoot("Cross Root");
    private static readonly X509Certificate2 _intermediate = TestPki.CreateIntermediate(_root, "Cross Issuing CA");
    private static readonly X509Certificate2 _leaf = TestPki.CreateLeaf(_intermediate, "ota.example", dnsNames: ["ota.example"]);
    private static readonly X509Certificate2 _selfSigned = TestPki.CreateLeaf(null, "127.0.0.1", isCa: true);
    private static readonly X509Certificate2 _regenerated = TestPki.CreateLeaf(null, "127.0.0.1", isCa: true);
    private static readonly X509Certificate2 _pathLimited = TestPki.CreateIntermediate(_root, "Cross Limited CA", pathLength: 0);
    private static readonly X509Certificate2 _underLimited = TestPki.CreateIntermediate(_pathLimited, "Cross Sub CA");

    private static readonly Lazy<Dictionary<string, (X509Certificate2[] Served, X509Certificate2[] Trusted, string Host, bool CheckDates, bool SkipCn)>> _matrix = new(Build);

    public static TheoryData<string> Cases() => [.. _matrix.Value.Keys];

    private static Dictionary<string, (X509Certificate2[] Served, X509Certificate2[] Trusted, string Host, bool CheckDates, bool SkipCn)> Build()
    {
        var expiredLeaf = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], notBefore: DateTimeOffset.UtcNow.AddDays(-20), notAfter: DateTimeOffset.UtcNow.AddDays(-2));
        var ipSan = TestPki.CreateLeaf(_root, "server", ipAddresses: [IPAddress.Parse("127.0.0.1")]);
        var ipAsDns = TestPki.CreateLeaf(_root, "server", dnsNames: ["127.0.0.1"]);
        var cnOnly = TestPki.CreateLeaf(_root, "127.0.0.1");
        var sanWithoutHost = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["other.example"]);
        var wildcard = TestPki.CreateLeaf(_root, "wild", dnsNames: ["*.example.org"]);
        var clientOnly = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], serverAuth: false);
        var noSignature = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], digitalSignature: false);
        var tooDeep = TestPki.CreateLeaf(_underLimited, "ota.example", dnsNames: ["ota.example"]);
        var underRsa = TestPki.CreateLeaf(_rsaRoot, "ota.example", dnsNames: ["ota.example"]);
        return new()
        {
            ["root anchor"] = ([_leaf, _intermediate], [_root], "ota.example", false, false),
            ["intermediate anchor"] = ([_leaf, _intermediate], [_intermediate], "ota.example", false, false),
            ["root and intermediate"] = ([_leaf, _intermediate], [_root, _intermediate], "ota.example", false, false),
            ["leaf given as CA"] = ([_leaf, _intermediate], [_leaf], "ota.example", false, false),
            ["missing intermediate"] = ([_leaf], [_root], "ota.example", false, false),
            ["wrong CA, same name"] = ([_leaf, _intermediate], [_otherRoot], "ota.example", false, false),
            ["self-signed, same certificate"] = ([_selfSigned], [_selfSigned], "127.0.0.1", false, false),
            ["self-signed, regenerated"] = ([_regenerated], [_selfSigned], "127.0.0.1", false, false),
            ["expired, no clock"] = ([expiredLeaf], [_root], "ota.example", false, false),
            ["expired, clock"] = ([expiredLeaf], [_root], "ota.example", true, false),
            ["IP host, iPAddress SAN only"] = ([ipSan], [_root], "127.0.0.1", false, false),
            ["IP host, IP text as dNSName"] = ([ipAsDns], [_root], "127.0.0.1", false, false),
            ["IP host, CN only"] = ([cnOnly], [_root], "127.0.0.1", false, false),
            ["SAN without the host, CN has it"] = ([sanWithoutHost], [_root], "ota.example", false, false),
            ["skip CN check"] = ([sanWithoutHost], [_root], "ota.example", false, true),
            ["wildcard, one label"] = ([wildcard], [_root], "fw.example.org", false, false),
            ["wildcard, two labels"] = ([wildcard], [_root], "a.fw.example.org", false, false),
            ["wildcard, apex"] = ([wildcard], [_root], "example.org", false, false),
            ["clientAuth only"] = ([clientOnly], [_root], "ota.example", false, false),
            ["no digitalSignature"] = ([noSignature], [_root], "ota.example", false, false),
            ["pathLenConstraint exceeded"] = ([tooDeep, _underLimited, _pathLimited], [_root], "ota.example", false, false),
            ["RSA root, ECDSA leaf"] = ([underRsa], [_rsaRoot], "ota.example", false, false),
            ["wrong host"] = ([_leaf, _intermediate], [_root], "evil.example", false, false),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task The_verdict_matches_mbedtls_2_28(string name)
    {
        var (served, trusted, host, checkDates, skipCn) = _matrix.Value[name];
        using var temp = new TempDirectory();
        var caFile = temp.Combine("ca.pem");
        var chainFile = temp.Combine("chain.pem");
        File.WriteAllText(caFile, TestPki.ToPem(trusted));
        File.WriteAllText(chainFile, TestPki.ToPem(served));

        var device = await DeviceSim.VerifyAsync(caFile, chainFile, host, skipCn, checkDates);
        var ours = MbedTlsVerifier.Verify(
            [.. served.Select(c => new CertificateInfo(c))], [.. trusted.Select(c => new CertificateInfo(c))], host,
            new MbedTlsVerifyOptions { Generation = MbedTlsGeneration.V2, CheckDates = checkDates, SkipNameCheck = skipCn });

        Assert.True(device.Flags is not null, device.ToString());
        Assert.Equal($"0x{device.Flags:x8}", $"0x{ours.Flags:x8}");
        Assert.Equal(device.VerificationInfo, MbedTlsFlags.Describe(ours.Flags));
    }
}
