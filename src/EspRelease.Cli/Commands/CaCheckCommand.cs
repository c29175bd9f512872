using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release ca check [PEM] --url URL</c>: the device's verdict on a server with a CA file (or the CA a built image embeds).</summary>
internal sealed class CaCheckCommand : ReleaseCommandBase
{
    private readonly TlsOptions _tls = new();

    public CaCheckCommand(Option<DiagnosticsFormat> format)
        : base("check", "Judge a live server with a CA file the way mbedtls on the device will, and print the device's log lines and the fix. --image checks the PEM blocks a built app embeds instead (catches \"changed server_certs but flashed the old build\"). Exit 2 when the device would refuse.", format)
    {
        Arguments.Add(PemArgument);
        Options.Add(UrlOption);
        Options.Add(ImageOption);
        Options.Add(HostOption);
        Options.Add(SkipCnOption);
        _tls.AddTo(this);
    }

    internal Argument<string?> PemArgument { get; } = new("pem")
    {
        Description = "The CA file to judge. Default: the project's CA file (see `ca fetch --help`).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal Option<string> UrlOption { get; } = new("--url") { Description = "The firmware URL the device fetches (https).", Required = true };

    internal Option<string?> ImageOption { get; } = new("--image") { Description = "A built app image (build/<project>.bin): judge the CA certificates embedded in it." };

    internal Option<string?> HostOption { get; } = new("--host") { Description = "The name the device checks, when the firmware sets common_name (default: the URL's host)." };

    internal Option<bool> SkipCnOption { get; } = new("--skip-cn") { Description = "The firmware sets skip_cert_common_name_check (no host-name check; refused for releases)." };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var url = TlsOptions.ParseUrl(context.Get(UrlOption)!);
        var image = context.Get(ImageOption);
        var (file, trusted) = image is not null ? FromImage(image) : FromPem(context.Parse.GetValue(PemArgument) ?? ProjectCaFile.Locate(_tls.ProjectDirectory(context)).Path);
        var (generation, generationSource) = _tls.Generation(context, image);
        var options = new MbedTlsVerifyOptions { Generation = generation, CheckDates = context.Get(_tls.CheckDates), SkipNameCheck = context.Get(SkipCnOption) };

        var hops = await ServerProbe.ProbeAsync(url, _tls.TimeoutsOf(context), cancellationToken);
        var results = hops.Select(h => (Hop: h, Verdict: MbedTlsVerifier.Verify(h.Served, trusted, context.Get(HostOption) ?? h.Url.IdnHost.Trim('[', ']'), options))).ToList();
        var diagnostics = results.SelectMany(r => Findings(r.Hop, r.Verdict, file, trusted, image is not null, generation)).ToList();

        if (context.Json)
        {
            CaJsonWriter.WriteCheck(context.Stdout, file, trusted, results, generation, diagnostics);
        }
        else
        {
            foreach (var (hop, verdict) in results)
            {
                context.Stdout.WriteLine($"{ServerProbe.Redact(hop.Url)} with {file} ({MbedTlsGenerations.Describe(generation)}, {generationSource}):");
                if (verdict.Trusted)
                {
                    context.Stdout.WriteLine($"  OK: the device accepts it (anchor: {verdict.Anchor?.SubjectText}).");
                    continue;
                }

                foreach (var line in MbedTlsFlags.DeviceLog(verdict.Flags))
                {
                    context.Stdout.WriteLine("  " + line);
                }

                context.Stdout.WriteLine($"  flags: 0x{verdict.Flags:x8} ({string.Join(" | ", MbedTlsFlags.Names(verdict.Flags))})");
            }
        }

        // Written here rather than thrown: the JSON document above already carries them.
        context.Diagnostics.WriteAll(diagnostics);
        return diagnostics.Any(d => d.Severity == Severity.Error) ? ExitCodes.Invalid : ExitCodes.Success;
    }

    // The verdict's error, or the warnings a passing chain can still carry (dates a clockless device
    // ignores), and what the server did after the handshake.
    private static IEnumerable<Diagnostic> Findings(ServerHop hop, MbedTlsVerdict verdict, string file, IReadOnlyList<CertificateInfo> trusted, bool fromImage, MbedTlsGeneration generation)
    {
        if (!verdict.Trusted)
        {
            yield return TlsAdvice.Explain(hop, verdict, file, trusted, fromImage, generation);
        }
        else if (TlsAdvice.DatesIgnored(hop.Url, verdict, file, DateTime.UtcNow) is { } dates)
        {
            yield return dates;
        }

        if (hop.ResponseProblem is { } problem)
        {
            yield return problem;
        }
    }

    private static (string File, IReadOnlyList<CertificateInfo> Trusted) FromPem(string path) => (path, PemCertificates.ReadFile(path));

    private static (string File, IReadOnlyList<CertificateInfo> Trusted) FromImage(string path)
    {
        if (!File.Exists(path))
        {
            throw new EspReleaseException(DiagnosticCodes.FileNotFound, $"{path}: no such image. Pass the app the device runs (build/<project>.bin).", path, FailureKind.Usage);
        }

        var found = PemCertificates.FindInImage(path);
        return found.Count > 0 ? (path, found) : throw new EspReleaseException(DiagnosticCodes.NoPemInImage,
            $"{path}: no PEM certificate is embedded in this image. The firmware then verifies with the certificate bundle (or not at all); check CONFIG_MBEDTLS_CERTIFICATE_BUNDLE and EMBED_TXTFILES in main/CMakeLists.txt.", path);
    }
}
