using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Cli.Output;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release ca fetch &lt;https-url&gt;</c>: write the root(s) a device needs for a URL into the project's CA file.</summary>
internal sealed class CaFetchCommand : ReleaseCommandBase
{
    private readonly TlsOptions _tls = new();

    public CaFetchCommand(Option<DiagnosticsFormat> format)
        : base("fetch", "Connect to an https URL (following redirects; every hop must be covered), complete each served chain to a trusted root (the system store plus --trust), and write the root(s), never a leaf, to the project's CA file, each with comment lines. The choice is verified against the served chains by mbedtls's rules first: when the device would still refuse the server (a name mismatch, a usage), nothing is written and the exit code is 2.", format)
    {
        Arguments.Add(UrlArgument);
        Options.Add(TrustOption);
        Options.Add(OutOption);
        Options.Add(LifetimeOption);
        _tls.AddTo(this);
    }

    internal Argument<string> UrlArgument { get; } = new("url") { Description = "The firmware URL the device will fetch (https)." };

    internal Option<string[]> TrustOption { get; } = new("--trust")
    {
        Description = "A PEM file of CA certificates to trust besides the system store (your development CA, a private CA, or your dev server's self-signed certificate); repeat for several.",
    };

    internal Option<string?> OutOption { get; } = new("--out", "-o")
    {
        Description = "The file to write. Default: the project's CA file (the .pem that main/CMakeLists.txt embeds, else CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH, else server_certs/ca_cert.pem).",
    };

    internal Option<int> LifetimeOption { get; } = new("--lifetime-years")
    {
        Description = "How long devices must keep working with this file; warns when a root expires sooner.",
        DefaultValueFactory = _ => 10,
    };

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var url = TlsOptions.ParseUrl(context.Parse.GetRequiredValue(UrlArgument));
        var trust = (context.Get(TrustOption) ?? []).SelectMany(PemCertificates.ReadFile).ToList();
        var target = context.Get(OutOption) is { } explicitOut
            ? new ProjectCaLocation(Path.GetFullPath(explicitOut), "--out")
            : ProjectCaFile.Locate(_tls.ProjectDirectory(context));
        var (generation, generationSource) = _tls.Generation(context);

        var hops = await ServerProbe.ProbeAsync(url, _tls.TimeoutsOf(context), cancellationToken);
        var selection = CaSelector.Select(hops, trust, SystemRoots, context.Get(LifetimeOption), DateTime.UtcNow);

        // Judge the choice for every hop exactly as the device will, before the file is touched:
        // a CA file the device would still refuse is not worth overwriting the old one with.
        var options = new MbedTlsVerifyOptions { Generation = generation, CheckDates = context.Get(_tls.CheckDates) };
        var verdicts = hops.Select(h => (Hop: h, Verdict: MbedTlsVerifier.Verify(h.Served, selection.Anchors, h.Url.IdnHost.Trim('[', ']'), options))).ToList();
        var diagnostics = selection.Warnings.Concat(verdicts.SelectMany(v => new[]
        {
            v.Verdict.Trusted ? TlsAdvice.DatesIgnored(v.Hop.Url, v.Verdict, target.Path, DateTime.UtcNow) : StillRefused(v.Hop, v.Verdict, target, selection, generation),
            v.Hop.ResponseProblem,
        }).OfType<Diagnostic>()).ToList();
        var written = diagnostics.All(d => d.Severity != Severity.Error);
        if (written)
        {
            AtomicFile.WriteAllBytes(target.Path, System.Text.Encoding.ASCII.GetBytes(PemCertificates.Format(selection.Anchors)));
            context.Results["CaFile"] = target.Path;
            context.Results["Certificates"] = selection.Anchors.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (context.Json)
        {
            CaJsonWriter.WriteFetch(context.Stdout, target, written, selection, verdicts, generation, diagnostics);
        }
        else
        {
            var o = context.Stdout;
            o.WriteLine(written
                ? $"Wrote {target.Path} ({selection.Anchors.Count} certificate(s); file found by {target.FoundBy}):"
                : $"Did not write {target.Path} (found by {target.FoundBy}); it is unchanged. The CA chosen:");
            foreach (var anchor in selection.Anchors)
            {
                o.WriteLine($"  {anchor.SubjectText}  (not after {anchor.NotAfter:yyyy-MM-dd}, SHA-256 {anchor.Sha256})");
            }

            foreach (var (hop, verdict) in verdicts)
            {
                o.WriteLine(verdict.Trusted
                    ? $"Verified: the device accepts {ServerProbe.Redact(hop.Url)} with this file ({MbedTlsGenerations.Describe(generation)}, {generationSource})."
                    : $"NOT verified: {ServerProbe.Redact(hop.Url)} fails with flags 0x{verdict.Flags:x8} ({string.Join("; ", verdict.Reasons)}).");
            }
        }

        context.Diagnostics.WriteAll(diagnostics);
        return written ? ExitCodes.Success : ExitCodes.Invalid;
    }

    private static Diagnostic StillRefused(ServerHop hop, MbedTlsVerdict verdict, ProjectCaLocation target, CaSelection selection, MbedTlsGeneration generation)
    {
        var advice = TlsAdvice.Explain(hop, verdict, target.Path, selection.Anchors, fromImage: false, generation);
        return advice with
        {
            Code = DiagnosticCodes.CaFileWouldNotVerify,
            Message = $"{target.Path} was not written: the CA chosen for {ServerProbe.Redact(hop.Url)} is its root, but the device would still refuse this server. {advice.Message}",
        };
    }

    private static List<CertificateInfo> SystemRoots()
    {
        using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        return [.. store.Certificates.Select(c => new CertificateInfo(c))];
    }
}
