using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Configuration;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;

namespace EspRelease.Cli.Commands;

/// <summary>What every release verb needs from one invocation: its output, the configuration file, the environment and the keys.</summary>
internal sealed class CommandContext
{
    private readonly Option<string?> _configOption;
    private EspReleaseConfig? _config;

    public CommandContext(ParseResult parse, bool json, DiagnosticsFormat format, Option<string?> configOption)
    {
        Parse = parse;
        Json = json;
        _configOption = configOption;
        Stdout = parse.InvocationConfiguration.Output;
        Stderr = parse.InvocationConfiguration.Error;
        Diagnostics = DiagnosticWriter.For(Stderr, format);
    }

    public ParseResult Parse { get; }

    public bool Json { get; }

    public TextWriter Stdout { get; }

    public TextWriter Stderr { get; }

    public DiagnosticWriter Diagnostics { get; }

    /// <summary>esp-release.json (from --config, or found from the current directory up to the repository root).</summary>
    public EspReleaseConfig Config => _config ??= EspReleaseConfig.Load(Parse.GetValue(_configOption), Directory.GetCurrentDirectory());

    public static string? Environment(string name) => System.Environment.GetEnvironmentVariable(name);

    public static DateTimeOffset Now => SourceDateEpoch.Resolve(Environment, TimeProvider.System);

    public T? Get<T>(Option<T> option) => Parse.GetValue(option);

    /// <summary>The signing key: --key, else the configuration's "key", else ESP_RELEASE_SIGNING_KEY.</summary>
    public SigningKey SigningKey(string? flag) => Core.Signing.SigningKey.Resolve(flag ?? Config.Key, Environment);

    /// <summary>Public keys for verification: the files given, else the configuration's key and trusted keys, else the environment's key.</summary>
    public IReadOnlyList<VerificationKey> VerificationKeys(IReadOnlyList<string>? files)
    {
        var paths = files is { Count: > 0 } ? files : [.. Config.Key is null ? [] : new[] { Config.Key }, .. Config.TrustedKeys];
        if (paths.Count > 0)
        {
            return paths.Select(VerificationKey.Load).ToList();
        }

        return [Core.Signing.SigningKey.Resolve(null, Environment).PublicKey];
    }

    /// <summary>Extra keys trusted for a channel's existing pointers (key rotation): --trusted-key, else the configuration's.</summary>
    public IReadOnlyList<VerificationKey> TrustedKeys(IReadOnlyList<string>? files) =>
        (files is { Count: > 0 } ? files : Config.TrustedKeys).Select(VerificationKey.Load).ToList();

    /// <summary>What <c>--results-file</c> writes: set by the command as it finds things out.</summary>
    public Dictionary<string, string?> Results { get; } = new(StringComparer.Ordinal);

    public ConsoleProgress Progress() => new(Stderr);

    public void Warn(IEnumerable<Diagnostic> warnings)
    {
        if (!Json)
        {
            Diagnostics.WriteAll(warnings);
        }
    }
}
