using System.Text;

namespace EspRelease.Core.Images;

/// <summary>Decodes a fixed-size C char field: bytes up to the first NUL, as UTF-8.</summary>
internal static class FixedString
{
    public static string Decode(ReadOnlySpan<byte> field)
    {
        var end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }
}
