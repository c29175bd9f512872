namespace EspRelease.Core.Network;

/// <summary>What a server answered to one request made the device's way.</summary>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Headers">Response headers (names case-insensitive; a repeated name keeps the last value).</param>
/// <param name="BodyLength">Bytes of body received.</param>
/// <param name="Head">The first bytes of the body (up to 4 KiB), for sniffing what was sent.</param>
/// <param name="Chunked">The body came with Transfer-Encoding: chunked (no length known up front).</param>
public sealed record DeviceResponse(int Status, IReadOnlyDictionary<string, string> Headers, long BodyLength, byte[] Head, bool Chunked)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public long? ContentLength => long.TryParse(Header("Content-Length"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
}
