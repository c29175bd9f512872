using System.Globalization;

namespace EspRelease.Testing;

/// <summary>What one run of device-sim printed, parsed. Fields are null when the line was absent or "none".</summary>
public sealed record DeviceSimResult(
    int ExitCode,
    uint? Flags,
    int? Status,
    long? ContentLength,
    string? ContentRange,
    string? ContentEncoding,
    long? Received,
    string? Sha256,
    byte? FirstByte,
    string Stdout,
    string Stderr)
{
    public string? ContentType { get; init; }

    public string? TransferEncoding { get; init; }

    /// <summary>The <c>error:</c> line (verify, connect, unknown-host, timeout, handshake, …).</summary>
    public string? Error { get; init; }

    public IReadOnlyList<string> Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>The verification-info lines' texts ("The certificate is not correctly signed by the trusted CA", …).</summary>
    public IReadOnlyList<string> VerificationInfo => [.. Lines
        .Where(l => l.StartsWith(DeviceSim.VerificationInfoPrefix, StringComparison.Ordinal))
        .Select(l => l[DeviceSim.VerificationInfoPrefix.Length..])];

    /// <summary>For assertion messages: the whole conversation.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs tests/device-sim — the ESP32's TLS client (esp-tls + Mbed TLS 2.28 + esp_http_client on the wire) —
/// built by build/test.sh, which exports <c>ESP_RELEASE_DEVICE_SIM</c>.
/// </summary>
public static class DeviceSim
{
    public const string EnvironmentVariable = "ESP_RELEASE_DEVICE_SIM";

    public const string VerificationInfoPrefix = "I (esp-tls-mbedtls): verification info: ";

    public const int ExitOk = 0;
    public const int ExitUsage = 1;
    public const int ExitVerifyFailed = 2;
    public const int ExitConnectionFailed = 3;
    public const int ExitHttpStatus = 4;

    private static readonly Lazy<string> _path = new(Find);

    /// <summary>The binary: $ESP_RELEASE_DEVICE_SIM, else tests/device-sim/build/device-sim under the repository.</summary>
    public static string PathToBinary => _path.Value;

    /// <summary><c>device-sim get</c>: the request a device makes, as the device makes it.</summary>
    public static Task<DeviceSimResult> GetAsync(
        Uri url,
        string caPemFile,
        string? host = null,
        bool skipCn = false,
        string? range = null,
        bool head = false,
        string? outFile = null,
        bool checkDates = false,
        int? timeoutMs = null,
        TimeSpan? processTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(url);
        var args = new List<string> { "get", url.AbsoluteUri, "--ca", caPemFile };
        if (host is not null)
        {
            args.AddRange(["--host", host]);
        }

        if (skipCn)
        {
            args.Add("--skip-cn");
        }

        if (range is not null)
        {
            args.AddRange(["--range", range]);
        }

        if (head)
        {
            args.Add("--head");
        }

        if (outFile is not null)
        {
            args.AddRange(["--out", outFile]);
        }

        if (checkDates)
        {
            args.Add("--check-dates");
        }

        if (timeoutMs is not null)
        {
            args.AddRange(["--timeout-ms", timeoutMs.Value.ToString(CultureInfo.InvariantCulture)]);
        }

        return RunAsync(args, processTimeout);
    }

    /// <summary><c>device-sim verify</c>: offline chain check; <paramref name="chainPemFile"/> holds the leaf first, then what the server sends.</summary>
    public static Task<DeviceSimResult> VerifyAsync(string caPemFile, string chainPemFile, string? host, bool skipCn = false, bool checkDates = false, TimeSpan? processTimeout = null)
    {
        var args = new List<string> { "verify", "--ca", caPemFile, "--chain", chainPemFile };
        if (host is not null)
        {
            args.AddRange(["--host", host]);
        }

        if (skipCn)
        {
            args.Add("--skip-cn");
        }

        if (checkDates)
        {
            args.Add("--check-dates");
        }

        return RunAsync(args, processTimeout);
    }

    /// <summary>Any device-sim command line; the process is killed after <paramref name="processTimeout"/> (default 30 s).</summary>
    public static async Task<DeviceSimResult> RunAsync(IEnumerable<string> arguments, TimeSpan? processTimeout = null)
    {
        var (exitCode, stdout, stderr) = await BoundedProcess.RunAsync(PathToBinary, arguments, null, processTimeout ?? TimeSpan.FromSeconds(30));
        return Parse(exitCode, stdout, stderr);
    }

    /// <summary>Parses device-sim's stdout (one <c>name: value</c> per line for machines).</summary>
    public static DeviceSimResult Parse(int exitCode, string stdout, string stderr)
    {
        ArgumentNullException.ThrowIfNull(stdout);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in stdout.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith("E (", StringComparison.Ordinal) || line.StartsWith("I (", StringComparison.Ordinal) || line.StartsWith("W (", StringComparison.Ordinal))
            {
                continue;
            }

            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                values.TryAdd(line[..colon], line[(colon + 2)..]);
            }
        }

        string? Text(string name) => values.TryGetValue(name, out var v) && v != "none" ? v : null;
        long? Long(string name) => Text(name) is { } v && long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        uint? Hex(string name) => Text(name) is { } v && v.StartsWith("0x", StringComparison.Ordinal)
            && uint.TryParse(v.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var n) ? n : null;

        return new DeviceSimResult(
            exitCode,
            Hex("flags"),
            (int?)Long("status"),
            Long("content-length"),
            Text("content-range"),
            Text("content-encoding"),
            Long("received"),
            Text("sha256"),
            Hex("first-byte") is { } b ? (byte)b : null,
            stdout,
            stderr ?? string.Empty)
        {
            ContentType = Text("content-type"),
            TransferEncoding = Text("transfer-encoding"),
            Error = Text("error"),
        };
    }

    private static string Find() => BuiltTool.Find(EnvironmentVariable, "device-sim", "device-sim", "libmbedtls-dev and cmake");
}
