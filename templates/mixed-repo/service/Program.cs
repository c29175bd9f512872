// The fleet backend's one job in this sample: say which firmware the stable channel gives devices,
// from the channel pointer EspReleasePublish wrote. It only reads the pointer's payload; devices
// check its signature (firmware/main/main.c), and so should a backend that acts on it.
using System.Buffers.Text;
using System.Text.Json;

var host = args.Length > 0 ? args[0] : "releases";
var pointer = Path.Combine(host, "channels", "stable.jws");
if (!File.Exists(pointer))
{
    Console.Error.WriteLine($"{pointer}: nothing published yet; run `dotnet build service -t:EspReleasePublish`.");
    return 1;
}

// A compact JWS: base64url(header).base64url(payload).base64url(signature).
var parts = File.ReadAllText(pointer).Trim().Split('.');
using var manifest = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
var root = manifest.RootElement;
var firmware = root.GetProperty("firmware");
Console.WriteLine($"stable: {root.GetProperty("project").GetString()} {root.GetProperty("version").GetString()} " +
    $"for {root.GetProperty("chip").GetString()} (sequence {root.GetProperty("sequence").GetInt64()})");
Console.WriteLine($"firmware: {Path.GetFullPath(Path.Combine(host, "channels", firmware.GetProperty("path").GetString()!))} " +
    $"({firmware.GetProperty("size").GetInt64()} bytes, SHA-256 {firmware.GetProperty("sha256").GetString()})");
return 0;
