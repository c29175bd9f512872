namespace EspRelease.Core.Images.SecureBoot;

/// <summary>Names and sizes of each <see cref="SecureBootScheme"/>, as the block and its readers spell them.</summary>
public static class SecureBootSchemes
{
    /// <summary>The name <see cref="SignatureBlock.Scheme"/> gives a block of this scheme.</summary>
    public static string Name(this SecureBootScheme scheme) => scheme switch
    {
        SecureBootScheme.Rsa3072 => "RSA-3072-PSS",
        SecureBootScheme.EcdsaP192 => "ECDSA-P192",
        SecureBootScheme.EcdsaP256 => "ECDSA-P256",
        _ => "ECDSA-P384",
    };

    /// <summary>The scheme of a block read by <see cref="SignatureBlock"/>, or null for an unknown version.</summary>
    public static SecureBootScheme? FromName(string name) =>
        Enum.GetValues<SecureBootScheme>().Cast<SecureBootScheme?>().FirstOrDefault(s => s!.Value.Name() == name);

    public static bool IsEcdsa(this SecureBootScheme scheme) => scheme != SecureBootScheme.Rsa3072;

    /// <summary>Only P-384 blocks sign a SHA-384 digest; every other scheme signs SHA-256.</summary>
    public static bool UsesSha384(this SecureBootScheme scheme) => scheme == SecureBootScheme.EcdsaP384;

    /// <summary>How the scheme is named in ESP-IDF's menuconfig, for the fixes messages give.</summary>
    public static string KconfigChoice(this SecureBootScheme scheme) => scheme switch
    {
        SecureBootScheme.Rsa3072 => "CONFIG_SECURE_SIGNED_APPS_RSA_SCHEME",
        SecureBootScheme.EcdsaP384 => "CONFIG_SECURE_SIGNED_APPS_ECDSA_V2_SCHEME with CONFIG_SECURE_BOOT_ECDSA_KEY_LEN_384_BITS",
        SecureBootScheme.EcdsaP192 => "CONFIG_SECURE_SIGNED_APPS_ECDSA_V2_SCHEME with CONFIG_SECURE_BOOT_ECDSA_KEY_LEN_192_BITS",
        _ => "CONFIG_SECURE_SIGNED_APPS_ECDSA_V2_SCHEME with CONFIG_SECURE_BOOT_ECDSA_KEY_LEN_256_BITS",
    };
}
