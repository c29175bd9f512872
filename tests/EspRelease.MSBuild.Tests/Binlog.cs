using System.IO.Compression;
using System.Text;

namespace EspRelease.MSBuild.Tests;

/// <summary>Leak checks: what must not be logged, and a search of an MSBuild binary log for it.</summary>
internal static class Binlog
{
    /// <summary>What of a signing key must never be logged: every line of its PEM body.</summary>
    public static IEnumerable<string> SecretLines(Core.Signing.SigningKey key) =>
        key.ExportPkcs8Pem().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(line => !line.StartsWith("-----", StringComparison.Ordinal));

    // A binlog is a gzip stream of events, with the project files it imported in a zip inside it;
    // look in both. Each zip entry is inflated from its local header, which needs no central directory.
    public static bool Contains(string binlog, string secret)
    {
        using var gzip = new GZipStream(File.OpenRead(binlog), CompressionMode.Decompress);
        using var events = new MemoryStream();
        gzip.CopyTo(events);
        var bytes = events.ToArray();
        if (Holds(bytes, secret))
        {
            return true;
        }

        var entries = 0;
        for (var at = bytes.AsSpan().IndexOf("PK\u0003\u0004"u8); at >= 0 && at + 30 <= bytes.Length;)
        {
            var method = BitConverter.ToUInt16(bytes, at + 8);
            var data = at + 30 + BitConverter.ToUInt16(bytes, at + 26) + BitConverter.ToUInt16(bytes, at + 28);
            if (method == 8 && data < bytes.Length)
            {
                using var inflated = new MemoryStream();
                try
                {
                    using var deflate = new DeflateStream(new MemoryStream(bytes, data, bytes.Length - data), CompressionMode.Decompress);
                    deflate.CopyTo(inflated);
                }
                catch (InvalidDataException)
                {
                    // Bytes after the entry's end are not deflate data; what was inflated so far is the entry.
                }

                entries++;
                if (Holds(inflated.ToArray(), secret))
                {
                    return true;
                }
            }

            var next = bytes.AsSpan(at + 4).IndexOf("PK\u0003\u0004"u8);
            at = next < 0 ? -1 : at + 4 + next;
        }

        // The archive must have been looked into: a binlog without project files would prove nothing.
        Assert.True(entries > 0, $"{binlog}: no embedded project files found");
        return false;
    }

    private static bool Holds(byte[] haystack, string needle) =>
        haystack.AsSpan().IndexOf(Encoding.UTF8.GetBytes(needle)) >= 0 || haystack.AsSpan().IndexOf(Encoding.Unicode.GetBytes(needle)) >= 0;
}
