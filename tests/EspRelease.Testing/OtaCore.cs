namespace EspRelease.Testing;

/// <summary>What one run of esp-release-ota-core-test printed, parsed (<c>name: value</c> lines).</summary>
public sealed record OtaCoreResult(int ExitCode, IReadOnlyDictionary<string, string> Values, string Stdout, string Stderr)
{
    /// <summary>The core's result name (<c>ESP_RELEASE_OK</c>, <c>ESP_RELEASE_ERR_SEQUENCE</c>, …).</summary>
    public string? Result => Values.GetValueOrDefault("result");

    public string? Download => Values.GetValueOrDefault("download");

    /// <summary>For assertion messages: the whole conversation.</summary>
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}--- stderr\n{Stderr}";
}

/// <summary>
/// Runs tests/esp-release-ota-core — the esp_release_ota component's portable core (the manifest check a
/// device runs) with ASan and UBSan — built by build/test.sh, which exports <c>ESP_RELEASE_OTA_CORE_TEST</c>.
/// </summary>
public static class OtaCore
{
    public const string EnvironmentVariable = "ESP_RELEASE_OTA_CORE_TEST";

    public const int ExitAccepted = 0;
    public const int ExitUsage = 1;
    public const int ExitRefused = 2;
    public const int ExitDownloadRefused = 3;
    public const int ExitUpToDate = 10;
    public const int ExitNotInRollout = 11;

    private static readonly Lazy<string> _path = new(Find);

    /// <summary>The binary: $ESP_RELEASE_OTA_CORE_TEST, else tests/esp-release-ota-core/build/esp-release-ota-core-test.</summary>
    public static string PathToBinary => _path.Value;

    /// <summary>Runs the driver with <paramref name="stdin"/> as its input; killed after <paramref name="processTimeout"/> (default 30 s).</summary>
    public static async Task<OtaCoreResult> RunAsync(IEnumerable<string> arguments, byte[]? stdin = null, TimeSpan? processTimeout = null)
    {
        var (exitCode, text, stderr) = await BoundedProcess.RunAsync(PathToBinary, arguments, stdin, processTimeout ?? TimeSpan.FromSeconds(30));
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            if (colon > 0)
            {
                values.TryAdd(line[..colon], line[(colon + 2)..].TrimEnd('\r'));
            }
        }

        return new OtaCoreResult(exitCode, values, text, stderr);
    }

    private static string Find() => BuiltTool.Find(EnvironmentVariable, "esp-release-ota-core", "esp-release-ota-core-test", "libmbedtls-dev, libcjson-dev and cmake");
}
