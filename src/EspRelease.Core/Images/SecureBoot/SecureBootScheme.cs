namespace EspRelease.Core.Images.SecureBoot;

/// <summary>The signature schemes a Secure Boot V2 block can hold (format spec §3.2–3.4).</summary>
public enum SecureBootScheme
{
    /// <summary>RSA-3072, PSS with MGF1-SHA256 and a 32-byte salt, over the SHA-256 digest (block version 0x02).</summary>
    Rsa3072,

    /// <summary>ECDSA P-192 over SHA-256 (block version 0x03, curve 1). Read, never written by esp-release.</summary>
    EcdsaP192,

    /// <summary>ECDSA P-256 over SHA-256 (block version 0x03, curve 2).</summary>
    EcdsaP256,

    /// <summary>ECDSA P-384 over SHA-384 (block version 0x03, SHA version 1, curve 3).</summary>
    EcdsaP384,
}
