using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>Turns a <c>--to</c> value into a host: <c>dir:&lt;path&gt;</c> or a plain path is a folder.</summary>
public static class HostAddress
{
    public static IReleaseHost Open(string address)
    {
        if (address.StartsWith("dir:", StringComparison.OrdinalIgnoreCase))
        {
            var path = address[4..];
            return path.Length == 0 ? throw Invalid(address, "the folder after dir: is empty") : new DirectoryHost(path);
        }

        if (address.StartsWith("azure://", StringComparison.OrdinalIgnoreCase))
        {
            throw new EspReleaseException(DiagnosticCodes.HostInvalid,
                $"{Redact(address)}: Azure Blob hosts are not available in this version of esp-release; publish to a folder (dir:<path>) and upload it, or update esp-release.",
                kind: FailureKind.Usage);
        }

        if (address.Contains("://", StringComparison.Ordinal))
        {
            throw Invalid(address, "unknown host kind");
        }

        return address.Length == 0 ? throw Invalid(address, "empty") : new DirectoryHost(address);
    }

    /// <summary>Drops a query string (where SAS signatures live) from an address before it is shown.</summary>
    public static string Redact(string address)
    {
        var q = address.IndexOf('?', StringComparison.Ordinal);
        return q < 0 ? address : address[..q] + "?<redacted>";
    }

    private static EspReleaseException Invalid(string address, string why) =>
        new(DiagnosticCodes.HostInvalid, $"--to \"{Redact(address)}\": {why}. Expected dir:<folder> or a folder path.", kind: FailureKind.Usage);
}
