using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Images.SecureBoot;

/// <summary>
/// Which signature sectors a chip can boot (format spec §1.4, §3.5, §3.7): the scheme its ROM and
/// bootloader verify, at most three blocks, one scheme per sector. A sector the device cannot use is
/// refused before anything is signed, naming the chip, the scheme and the fix.
/// </summary>
public static class SecureBootPolicy
{
    /// <summary>ESP32 Secure Boot V2 exists from silicon v3.0 (ECO3), and that ROM reads one block only.</summary>
    private const int Esp32Revision3 = 300;

    public static void Check(ChipInfo chip, ImageHeader header, IReadOnlyList<SecureBootScheme> schemes, string file)
    {
        if (schemes.Count > SignatureBlock.MaxBlocks)
        {
            Refuse(DiagnosticCodes.SecureBootTooManyBlocks, file,
                $"{schemes.Count} signature blocks requested for this {chip.Name} image (existing and new); a Secure Boot V2 sector holds at most {SignatureBlock.MaxBlocks} (one per eFuse key digest). Sign with fewer keys, or re-sign without --append-signatures to replace the existing blocks.");
        }

        var distinct = schemes.Distinct().ToList();
        if (distinct.Count > 1)
        {
            Refuse(DiagnosticCodes.SecureBootMixedSchemes, file,
                $"the sector would mix {string.Join(" and ", distinct.Select(s => s.Name()))}; the {chip.Name} bootloader verifies only the scheme it was built for (one of {string.Join(", ", distinct.Select(s => s.KconfigChoice()))}), so the other blocks could never be used. Sign every block with keys of one scheme.");
        }

        foreach (var scheme in distinct)
        {
            CheckScheme(chip, header, scheme, file);
        }

        if (chip == Chips.Esp32 && schemes.Count > 1)
        {
            Refuse(DiagnosticCodes.SecureBootTooManyBlocks, file,
                $"{schemes.Count} signature blocks for an ESP32: its ROM (v3.0) checks only block 0 against the single key digest in eFuse BLOCK2. Sign an ESP32 image with one RSA-3072 key.");
        }
    }

    private static void CheckScheme(ChipInfo chip, ImageHeader header, SecureBootScheme scheme, string file)
    {
        var supported = scheme.IsEcdsa() ? chip.SupportsSecureBootEcdsa : chip.SupportsSecureBootRsa;
        if (!supported)
        {
            var other = chip.SupportsSecureBootRsa ? "RSA-3072 (espsecure generate-signing-key --version 2 --scheme rsa3072)" : "ECDSA (espsecure generate-signing-key --version 2 --scheme ecdsa256)";
            Refuse(DiagnosticCodes.SecureBootSchemeUnsupported, file,
                $"{chip.Name} cannot boot {scheme.Name()} Secure Boot V2 signatures: its ROM verifies {(chip.SupportsSecureBootRsa ? "RSA-3072 only" : "ECDSA only")}. Sign with an {other} key.");
        }

        if (scheme == SecureBootScheme.EcdsaP384 && !chip.SupportsSecureBootP384)
        {
            Refuse(DiagnosticCodes.SecureBootSchemeUnsupported, file,
                $"{chip.Name} cannot boot an ECDSA-P384 Secure Boot V2 signature (no SHA-384/P-384 secure boot in its ROM; ESP-IDF offers CONFIG_SECURE_BOOT_ECDSA_KEY_LEN_384_BITS on ESP32-C5 and ESP32-P4 v3.0+). Sign with a P-256 key (espsecure generate-signing-key --version 2 --scheme ecdsa256).");
        }

        if (chip == Chips.Esp32 && header.MinChipRevisionFull < Esp32Revision3)
        {
            Refuse(DiagnosticCodes.SecureBootChipRevision, file,
                $"this ESP32 image allows chip revision {ImageHeader.FormatRevision(header.MinChipRevisionFull)}, but Secure Boot V2 exists only on ESP32 v3.0 (ECO3) and later, and ESP-IDF builds it only with CONFIG_ESP32_REV_MIN_3=y. Set the minimum revision to v3.0 (menuconfig → Component config → Hardware Settings → Chip revision), rebuild, then sign.");
        }

        if (chip == Chips.Esp32P4 && scheme == SecureBootScheme.EcdsaP384 && header.MinChipRevisionFull < Esp32Revision3)
        {
            Refuse(DiagnosticCodes.SecureBootChipRevision, file,
                $"this ESP32-P4 image allows chip revision {ImageHeader.FormatRevision(header.MinChipRevisionFull)}, but P-384 Secure Boot needs ESP32-P4 v3.0 or later. Raise the minimum chip revision to v3.0 and rebuild, or sign with a P-256 key.");
        }
    }

    private static void Refuse(string code, string file, string message) =>
        throw new EspReleaseException(code, $"{file}: {message}", file, FailureKind.Refused);
}
