using System.Security.Cryptography;
using EspRelease.Core.Images.SecureBoot;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Images.SecureBoot;

/// <summary>Keys generated per test run and images of chips with each Secure Boot V2 capability.</summary>
internal static class SecureBootTestImages
{
    public static byte[] Unsigned => File.ReadAllBytes(Fixtures.Image("esp_idf_blink_esp32s2.bin"));

    /// <summary>ESP32-C5: RSA, ECDSA and P-384.</summary>
    public static byte[] C5App() => App(23, 0x42000020);

    /// <summary>ESP32-C6: RSA and ECDSA, no P-384.</summary>
    public static byte[] C6App() => App(13, 0x42800020);

    /// <summary>ESP32-C2: ECDSA only.</summary>
    public static byte[] C2App() => App(12, 0x3C000020);

    /// <summary>ESP32 with the header's minimum revision v0.0: no Secure Boot V2.</summary>
    public static byte[] Esp32App() => App(0, 0x3F400020);

    private static byte[] App(ushort chip, uint descriptorAddress) =>
        new ImageBuilder { ChipId = chip }.AppDescriptor("blink", "1.0.0", address: descriptorAddress).Segment(0x40800000, new byte[1024]).Build();

    // PKCS#1, SEC1 and PKCS#8: the three private-key PEMs espsecure reads.
    public static (SecureBootKey Key, RSA Rsa) Rsa()
    {
        var rsa = RSA.Create(3072);
        return (SecureBootKeyLoader.FromPem(rsa.ExportRSAPrivateKeyPem(), "rsa.pem", requirePrivate: true), rsa);
    }

    public static (SecureBootKey Key, ECDsa Ecdsa) P256()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (SecureBootKeyLoader.FromPem(ecdsa.ExportECPrivateKeyPem(), "p256.pem", requirePrivate: true), ecdsa);
    }

    public static (SecureBootKey Key, ECDsa Ecdsa) P384()
    {
        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        return (SecureBootKeyLoader.FromPem(ecdsa.ExportPkcs8PrivateKeyPem(), "p384.pem", requirePrivate: true), ecdsa);
    }

    public static byte[] Reverse(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        Array.Reverse(copy);
        return copy;
    }
}
