using System.CommandLine;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using EspRelease.Cli.Output;
using EspRelease.Core.Certificates;
using EspRelease.Core.IO;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release ca dev</c>: a persistent development CA and a server certificate from it for this PC.</summary>
internal sealed class CaDevCommand : ReleaseCommandBase
{
    public CaDevCommand(Option<DiagnosticsFormat> format)
        : base("dev", "Create (once) a development CA in your profile, never in the repository, and issue a server certificate from it for this PC's addresses and names (each IP as an iPAddress SAN and as a dNSName, so every mbedtls generation accepts it). Embed the CA once (--project); new server certificates then never need a new firmware.", format)
    {
        Options.Add(DirectoryOption);
        Options.Add(OutOption);
        Options.Add(HostOption);
        Options.Add(ProjectOption);
        Options.Add(DaysOption);
    }

    internal Option<string?> DirectoryOption { get; } = new("--ca-dir") { Description = "Where the CA lives. Default: $ESP_RELEASE_HOME/dev-ca, else ~/.config/esp-release/dev-ca." };

    internal Option<string?> OutOption { get; } = new("--out", "-o") { Description = "Where to write server.pem and server.key.pem. Default: <ca-dir>/server." };

    internal Option<string[]> HostOption { get; } = new("--host") { Description = "Another name or address the server certificate must cover; repeat for several." };

    internal Option<string?> ProjectOption { get; } = new("--project", "-p") { Description = "Also write the CA into this ESP-IDF project's CA file (server_certs/ca_cert.pem or what main/CMakeLists.txt embeds)." };

    internal Option<int> DaysOption { get; } = new("--days") { Description = "Validity of the server certificate.", DefaultValueFactory = _ => 397 };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var ca = DevCertificateAuthority.LoadOrCreate(Path.GetFullPath(context.Get(DirectoryOption) ?? DevCertificateAuthority.DefaultDirectory(CommandContext.Environment)));
        var (addresses, names) = DevCertificateAuthority.MachineNames();
        var extra = context.Get(HostOption) ?? [];
        var allAddresses = addresses.Concat(extra.Select(h => IPAddress.TryParse(h, out var ip) ? ip : null).OfType<IPAddress>()).Distinct().ToList();
        var allNames = names.Concat(extra.Where(h => !IPAddress.TryParse(h, out _))).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        using var server = ca.IssueServerCertificate(allNames, allAddresses, TimeSpan.FromDays(context.Get(DaysOption)));

        var outDir = Path.GetFullPath(context.Get(OutOption) ?? Path.Combine(ca.Directory, "server"));
        var certificatePath = Path.Combine(outDir, "server.pem");
        var keyPath = Path.Combine(outDir, "server.key.pem");
        Directory.CreateDirectory(outDir);
        AtomicFile.WritePrivate(keyPath, PrivateKeyPem(server));
        AtomicFile.WriteAllBytes(certificatePath, System.Text.Encoding.ASCII.GetBytes(server.ExportCertificatePem() + "\n" + ca.Certificate.ExportCertificatePem() + "\n"));

        var caInfo = new CertificateInfo(ca.Certificate);
        string? projectFile = null;
        if (context.Get(ProjectOption) is { } project)
        {
            projectFile = ProjectCaFile.Locate(project).Path;
            AtomicFile.WriteAllBytes(projectFile, System.Text.Encoding.ASCII.GetBytes(PemCertificates.Format([caInfo])));
        }

        context.Results["CaFile"] = projectFile;
        context.Results["ServerCertificate"] = certificatePath;
        if (context.Json)
        {
            CaJsonWriter.WriteDev(context.Stdout, ca, caInfo, certificatePath, keyPath, allNames, allAddresses, projectFile);
        }
        else
        {
            var o = context.Stdout;
            o.WriteLine($"{(ca.Created ? "Created" : "Using")} the development CA {ca.CertificatePath} (SHA-256 {caInfo.Sha256}, not after {caInfo.NotAfter:yyyy-MM-dd})");
            o.WriteLine($"Server certificate: {certificatePath} (chain: server + CA), key {keyPath}");
            o.WriteLine($"  covers: {string.Join(", ", allAddresses.Select(a => a.ToString()).Concat(allNames))}");
            o.WriteLine(projectFile is null
                ? "Embed the CA in the firmware with `esp-release ca dev --project <dir>` (once)."
                : $"Wrote the CA to {projectFile}; rebuild the firmware once.");
        }

        return Task.FromResult(ExitCodes.Success);
    }

    private static string PrivateKeyPem(X509Certificate2 certificate) =>
        (certificate.GetRSAPrivateKey()?.ExportPkcs8PrivateKeyPem() ?? certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem()) + "\n";
}
