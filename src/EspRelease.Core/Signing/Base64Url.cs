namespace EspRelease.Core.Signing;

/// <summary>Unpadded base64url (RFC 4648 §5), as JOSE uses it.</summary>
public static class Base64Url
{
    public static string Encode(ReadOnlySpan<byte> data) => System.Buffers.Text.Base64Url.EncodeToString(data);

    /// <summary>Decodes, or returns null when <paramref name="text"/> is not unpadded base64url.</summary>
    public static byte[]? TryDecode(string text)
    {
        if (text.Contains('=', StringComparison.Ordinal) || !System.Buffers.Text.Base64Url.IsValid(text))
        {
            return null;
        }

        return System.Buffers.Text.Base64Url.DecodeFromChars(text);
    }
}
