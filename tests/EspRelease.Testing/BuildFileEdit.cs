using System.Text;

namespace EspRelease.Testing;

/// <summary>Byte-exact edits of a file in a copied build directory, for inputs no JSON writer would produce (invalid UTF-8, lone surrogates, NULs).</summary>
public static class BuildFileEdit
{
    /// <summary>Replaces the first occurrence of <paramref name="find"/> (UTF-8) with <paramref name="replacement"/> (raw bytes).</summary>
    public static void Replace(string path, string find, ReadOnlySpan<byte> replacement)
    {
        var bytes = File.ReadAllBytes(path);
        var at = bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(find));
        if (at < 0)
        {
            throw new InvalidOperationException($"{path} does not contain {find}");
        }

        File.WriteAllBytes(path, [.. bytes.AsSpan(0, at), .. replacement, .. bytes.AsSpan(at + Encoding.UTF8.GetByteCount(find))]);
    }

    /// <summary>Replaces the first occurrence of <paramref name="find"/> with <paramref name="replacement"/>, both UTF-8 text.</summary>
    public static void Replace(string path, string find, string replacement) => Replace(path, find, Encoding.UTF8.GetBytes(replacement));
}
