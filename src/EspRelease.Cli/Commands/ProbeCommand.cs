using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Doctor;
using EspRelease.Core.Signing;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release probe &lt;url&gt; --ca PEM</c>: fetch a manifest and its firmware exactly as the device will, and say what would break it.</summary>
internal sealed class ProbeCommand : ReleaseCommandBase
{
    private readonly TlsOptions _tls = new();

    public ProbeCommand(Option<DiagnosticsFormat> format)
        : base("probe", "Fetch a channel pointer (.jws) and its firmware, or a firmware URL, exactly as esp_https_ota does (its GET, its headers; then the HEAD and Range requests of its partial download) and check what the device checks: TLS by mbedtls's rules with the CA the firmware embeds, status, Content-Length, no Content-Encoding, the image, and size, SHA-256 and chip against the signed manifest. Each problem comes with the line the device would log. Exit 2 when the device would fail, 3 when the server cannot be talked to (the step, the address and the device's log line are named).", format)
    {
        Arguments.Add(UrlArgument);
        foreach (var option in new Option[] { CaOption, KeysOption, HeaderOption, HostOption, SkipCnOption, BufferOption })
        {
            Options.Add(option);
        }

        _tls.AddTo(this);
    }

    internal Argument<string> UrlArgument { get; } = new("url") { Description = "The URL the device fetches: a channel pointer (…/channels/stable.jws, with its SAS query if any) or a firmware .bin." };

    internal Option<string?> CaOption { get; } = new("--ca") { Description = "The CA file the firmware embeds. Default: the project's CA file, when there is one." };

    internal Option<string[]> KeysOption { get; } = new("--key", "-k") { Description = "A public key devices trust, to verify the manifest's signature; repeat for several. Default: the keys in esp-release.json." };

    internal Option<string[]> HeaderOption { get; } = new("--header", "-H") { Description = "A header the firmware adds (\"Name: value\"), to replay exactly what it sends; repeat for several." };

    internal Option<string?> HostOption { get; } = new("--host") { Description = "The name the firmware checks, when it sets common_name (default: the URL's host)." };

    internal Option<bool> SkipCnOption { get; } = new("--skip-cn") { Description = "The firmware sets skip_cert_common_name_check." };

    internal Option<int> BufferOption { get; } = new("--buffer-size-tx") { Description = "esp_http_client's buffer_size_tx in the firmware.", DefaultValueFactory = _ => 512 };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var url = TlsOptions.ParseUrl(context.Parse.GetRequiredValue(UrlArgument));
        var caPath = context.Get(CaOption) ?? DefaultCaFile(context);
        var (generation, _) = _tls.Generation(context);
        var report = await DeviceProbe.RunAsync(new ProbeOptions
        {
            Url = url,
            Trusted = caPath is null ? null : PemCertificates.ReadFile(caPath),
            TrustedOrigin = caPath,
            Keys = Keys(context),
            Headers = [.. (context.Get(HeaderOption) ?? []).Select(ParseHeader)],
            HostName = context.Get(HostOption),
            Tls = new MbedTlsVerifyOptions { Generation = generation, CheckDates = context.Get(_tls.CheckDates), SkipNameCheck = context.Get(SkipCnOption) },
            BufferSizeTx = context.Get(BufferOption),
            Timeouts = _tls.TimeoutsOf(context),
        }, cancellationToken);

        if (context.Json)
        {
            ProbeJsonWriter.Write(context.Stdout, url, report);
        }
        else
        {
            ProbeTextWriter.Write(context.Stdout, url, report);
        }

        context.Diagnostics.WriteAll(report.Problems);
        return report.Unreached ? ExitCodes.HostFailure : report.Ok ? ExitCodes.Success : ExitCodes.Invalid;
    }

    private string? DefaultCaFile(CommandContext context)
    {
        var located = ProjectCaFile.Locate(_tls.ProjectDirectory(context)).Path;
        return File.Exists(located) ? located : null;
    }

    private IReadOnlyList<VerificationKey> Keys(CommandContext context)
    {
        var files = context.Get(KeysOption) ?? [];
        if (files.Length > 0)
        {
            return [.. files.Select(VerificationKey.Load)];
        }

        return context.Config.Key is null && context.Config.TrustedKeys.Count == 0 ? [] : context.VerificationKeys(null);
    }

    private static KeyValuePair<string, string> ParseHeader(string text)
    {
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            ? new(text[..colon].Trim(), text[(colon + 1)..].Trim())
            : throw new EspReleaseException(DiagnosticCodes.UnknownInput, $"--header: expected \"Name: value\", found \"{text.Split(' ')[0]}…\".", kind: FailureKind.Usage);
    }
}
