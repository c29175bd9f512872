using System.Net;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Core.Certificates;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Certificates;

/// <summary>The verifier's rules, case by case (the same cases are cross-checked against real mbedtls in MbedTlsCrossCheckTests).</summary>
public sealed class MbedTlsVerifierTests
{
    private static readonly X509Certificate2 _root = TestPki.CreateRoot("Test Root");
    private static readonly X509Certificate2 _intermediate = TestPki.CreateIntermediate(_root, "Test Issuing CA");
    private static readonly X509Certificate2 _leaf = TestPki.CreateLeaf(_intermediate, "ota.example", dnsNames: ["ota.example"]);

    private static uint Flags(X509Certificate2[] served, X509Certificate2[] trusted, string host = "ota.example", MbedTlsGeneration generation = MbedTlsGeneration.V35Plus, bool checkDates = false) =>
        MbedTlsVerifier.Verify(Info(served), Info(trusted), host, new MbedTlsVerifyOptions { Generation = generation, CheckDates = checkDates }).Flags;

    private static List<CertificateInfo> Info(X509Certificate2[] certificates) => [.. certificates.Select(c => new CertificateInfo(c))];

    [Fact]
    public void A_root_or_an_intermediate_in_the_CA_file_anchors_the_chain()
    {
        Assert.Equal(0u, Flags([_leaf, _intermediate], [_root]));
        Assert.Equal(0u, Flags([_leaf, _intermediate], [_intermediate]));
        var verdict = MbedTlsVerifier.Verify(Info([_leaf, _intermediate]), Info([_root, _intermediate]), "ota.example", new MbedTlsVerifyOptions());
        Assert.Equal(_intermediate.Thumbprint, verdict.Anchor!.Certificate.Thumbprint); // jumps to a trusted certificate as early as possible
    }

    [Fact]
    public void A_leaf_in_the_CA_file_a_missing_intermediate_and_a_wrong_CA_are_not_trusted()
    {
        var otherRoot = TestPki.CreateRoot("Other Root");

        Assert.Equal(MbedTlsFlags.NotTrusted, Flags([_leaf, _intermediate], [_leaf]));
        Assert.Equal(MbedTlsFlags.NotTrusted, Flags([_leaf], [_root]));
        Assert.Equal(MbedTlsFlags.NotTrusted, Flags([_leaf, _intermediate], [otherRoot]));
    }

    [Fact]
    public void A_self_signed_server_is_trusted_only_by_the_very_same_certificate()
    {
        var first = TestPki.CreateLeaf(null, "192.168.1.8", isCa: true);
        var regenerated = TestPki.CreateLeaf(null, "192.168.1.8", isCa: true);

        Assert.Equal(0u, Flags([first], [first], "192.168.1.8"));
        Assert.Equal(MbedTlsFlags.NotTrusted, Flags([regenerated], [first], "192.168.1.8"));
    }

    [Fact]
    public void IP_hosts_match_iPAddress_SANs_only_from_mbedtls_3_5()
    {
        var ipOnly = TestPki.CreateLeaf(_root, "server", ipAddresses: [IPAddress.Parse("192.168.1.8")]);
        var ipAsDns = TestPki.CreateLeaf(_root, "server", dnsNames: ["192.168.1.8"]);
        var cnOnly = TestPki.CreateLeaf(_root, "192.168.1.8");

        Assert.Equal(MbedTlsFlags.CnMismatch, Flags([ipOnly], [_root], "192.168.1.8", MbedTlsGeneration.V2));
        Assert.Equal(MbedTlsFlags.CnMismatch, Flags([ipOnly], [_root], "192.168.1.8", MbedTlsGeneration.V3Before35));
        Assert.Equal(0u, Flags([ipOnly], [_root], "192.168.1.8", MbedTlsGeneration.V35Plus));
        Assert.Equal(0u, Flags([ipAsDns], [_root], "192.168.1.8", MbedTlsGeneration.V2));
        Assert.Equal(0u, Flags([cnOnly], [_root], "192.168.1.8", MbedTlsGeneration.V2));
    }

    [Fact]
    public void With_a_SAN_the_CN_is_ignored()
    {
        var leaf = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["other.example"]);

        Assert.Equal(MbedTlsFlags.CnMismatch, Flags([leaf], [_root], "ota.example"));
        Assert.Equal(0u, Flags([leaf], [_root], "OTHER.example"));
    }

    [Theory]
    [InlineData("a.example.com", true)]
    [InlineData("A.Example.COM", true)]
    [InlineData("a.b.example.com", false)]
    [InlineData("example.com", false)]
    public void A_wildcard_covers_one_leftmost_label(string host, bool matches)
    {
        var leaf = TestPki.CreateLeaf(_root, "wild", dnsNames: ["*.example.com"]);

        Assert.Equal(matches ? 0u : MbedTlsFlags.CnMismatch, Flags([leaf], [_root], host));
    }

    [Fact]
    public void Dates_count_only_when_the_firmware_has_a_clock()
    {
        var expired = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], notBefore: DateTimeOffset.UtcNow.AddDays(-30), notAfter: DateTimeOffset.UtcNow.AddDays(-1));
        var future = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], notBefore: DateTimeOffset.UtcNow.AddDays(2), notAfter: DateTimeOffset.UtcNow.AddDays(30));

        Assert.Equal(0u, Flags([expired], [_root]));
        Assert.Equal(MbedTlsFlags.Expired, Flags([expired], [_root], checkDates: true));
        Assert.Equal(MbedTlsFlags.Future, Flags([future], [_root], checkDates: true));
    }

    [Fact]
    public void A_server_certificate_must_allow_digital_signature_and_server_auth()
    {
        var clientOnly = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], serverAuth: false);
        var noSignature = TestPki.CreateLeaf(_root, "ota.example", dnsNames: ["ota.example"], digitalSignature: false);

        Assert.Equal(MbedTlsFlags.ExtKeyUsage, Flags([clientOnly], [_root]));
        Assert.Equal(MbedTlsFlags.KeyUsage, Flags([noSignature], [_root]));
    }

    [Fact]
    public void The_flags_read_as_the_device_logs_them()
    {
        var log = MbedTlsFlags.DeviceLog(MbedTlsFlags.NotTrusted | MbedTlsFlags.CnMismatch);

        Assert.Equal("E (esp-tls-mbedtls): mbedtls_ssl_handshake returned -0x2700", log[0]);
        Assert.Equal("I (esp-tls-mbedtls): Failed to verify peer certificate!", log[1]);
        Assert.Contains("I (esp-tls-mbedtls): verification info: The certificate is not correctly signed by the trusted CA", log);
        Assert.Contains("I (esp-tls-mbedtls): verification info: The certificate Common Name (CN) does not match with the expected CN", log);
        Assert.Equal(["MBEDTLS_X509_BADCERT_CN_MISMATCH", "MBEDTLS_X509_BADCERT_NOT_TRUSTED"], MbedTlsFlags.Names(MbedTlsFlags.NotTrusted | MbedTlsFlags.CnMismatch));
    }

    [Theory]
    [InlineData("v4.3.1", MbedTlsGeneration.V2)]
    [InlineData("v4.4.6", MbedTlsGeneration.V2)]
    [InlineData("v5.0.4", MbedTlsGeneration.V3Before35)]
    [InlineData("v5.0.5", MbedTlsGeneration.V35Plus)]
    [InlineData("v5.1.1", MbedTlsGeneration.V3Before35)]
    [InlineData("v5.1.2", MbedTlsGeneration.V35Plus)]
    [InlineData("v5.0-beta1-427-g4532e6e0b2-dirt", MbedTlsGeneration.V3Before35)]
    [InlineData("v6.0", MbedTlsGeneration.V35Plus)]
    public void The_ESP_IDF_version_tells_the_mbedtls_generation(string idf, MbedTlsGeneration expected)
    {
        Assert.Equal(expected, MbedTlsGenerations.FromIdfVersion(idf));
    }
}
