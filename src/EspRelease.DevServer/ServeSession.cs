using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.IO;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.DevServer;

/// <summary>
/// One run of `esp-release serve`: checks the arguments and the project before anything listens, issues a
/// fresh server certificate from the development CA for this PC's addresses, starts the server, works out the
/// URLs, and with a project writes the CA into its CA file and the preferred URL into sdkconfig and
/// sdkconfig.defaults.
/// <para>
/// The file the URL names: <c>--file</c>; else the <c>app_bin</c> of a <c>project_description.json</c> in the
/// served folder (an idf.py build folder); else, with a project, <c>&lt;project&gt;.bin</c> from its
/// CMakeLists.txt <c>project()</c> (the name idf.py will give the image, so the URL can be set before the
/// first build); else the only <c>*.bin</c> at the top of the folder; else the folder itself.
/// </para>
/// </summary>
public sealed class ServeSession : IAsyncDisposable
{
    private readonly DevServer _server;
    private readonly X509Certificate2 _certificate;

    private ServeSession(DevServer server, X509Certificate2 certificate, ServeStartup startup)
    {
        _server = server;
        _certificate = certificate;
        Startup = startup;
    }

    public ServeStartup Startup { get; }

    public DevServer Server => _server;

    /// <exception cref="EspReleaseException">An argument, the project or the port is not usable; nothing is left listening.</exception>
    public static async Task<ServeSession> StartAsync(ServeSettings settings, Action<DevServerLogEntry> log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var warnings = new List<Diagnostic>();
        var bind = ParseBind(settings.Bind);
        var (extraAddresses, extraNames) = ParseHosts(settings.Hosts);

        // Everything that can refuse is checked before the port is taken.
        var project = settings.Project is null ? null : SdkconfigProject.Open(settings.Project);
        var option = project?.FindUrlOption(settings.UrlOption);
        warnings.AddRange(option?.Warnings ?? []);
        var root = ResolveRoot(settings.Directory, project);
        var file = ResolveFile(settings.File, root, project);
        if (file is not null && !System.IO.File.Exists(Path.Combine(root, file)))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.ServeFileMissing, Severity.Warning,
                $"{Path.Combine(root, file)}: the URL names this file, which does not exist yet; a device gets 404 until it does. Build the firmware (`idf.py build`), or pass the file to name with --file.",
                Path.Combine(root, file)));
        }

        var ca = LoadCa(settings.CaDirectory);
        var caInfo = new CertificateInfo(ca.Certificate);
        var (machineAddresses, machineNames) = DevCertificateAuthority.MachineNames();
        var addresses = machineAddresses.Concat(extraAddresses).Concat(bind.Where(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any))).Distinct().ToList();
        var names = machineNames.Concat(extraNames).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var certificate = ca.IssueServerCertificate(names, addresses, settings.CertificateValidity);

        DevServer server;
        try
        {
            server = await DevServer.StartAsync(new DevServerOptions
            {
                RootDirectory = root,
                Port = settings.Port,
                BindAddresses = bind,
                Certificate = certificate,
                Log = log,
            }, cancellationToken);
        }
        catch
        {
            certificate.Dispose();
            throw;
        }

        try
        {
            var listening = server.EndPoints.Select(e => e.Address).ToList();
            var urls = AdvertisedUrls.For(listening, server.Port, file, AdvertisedUrls.LanAddresses(), extraNames);
            if (AdvertisedUrls.LoopbackOnly(urls.Where(u => u.Source != "--host").ToList()))
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.ServeNoLanAddress, Severity.Warning,
                    $"the server is reachable only from this PC ({string.Join(", ", urls.Where(u => u.Source != "--host").Select(u => u.Host))}): {(bind.Count > 0 ? "--bind names loopback addresses" : "no network interface with a LAN address is up")}. A device cannot use these URLs. Connect this PC to the device's network{(bind.Count > 0 ? " and drop --bind" : "")}, then start again."));
            }

            ProjectSetup? setup = null;
            if (project is not null)
            {
                var preferred = urls.First(u => u.Preferred);
                setup = ProjectSetup.Apply(project, option!, preferred.Url, caInfo, warnings);
            }

            var leaf = new CertificateInfo(certificate);
            var startup = new ServeStartup(
                root,
                server.Port,
                [.. server.EndPoints.Select(e => e.ToString())],
                server.DualStack,
                file,
                file is not null && System.IO.File.Exists(Path.Combine(root, file)),
                urls,
                ca.CertificatePath,
                ca.Created,
                caInfo.Sha256,
                caInfo.NotAfter,
                leaf.Sha256,
                leaf.NotAfter,
                [.. addresses.Select(a => a.ToString()), .. names],
                setup,
                warnings);
            return new ServeSession(server, certificate, startup);
        }
        catch
        {
            await server.DisposeAsync();
            certificate.Dispose();
            throw;
        }
    }

    /// <summary>Stops listening; open downloads get a moment to finish.</summary>
    public Task StopAsync() => _server.StopAsync(TimeSpan.FromSeconds(1));

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _certificate.Dispose();
    }

    private static List<IPAddress> ParseBind(IReadOnlyList<string> bind)
    {
        var addresses = new List<IPAddress>();
        foreach (var text in bind)
        {
            if (!IPAddress.TryParse(text.Trim('[', ']'), out var address))
            {
                throw new EspReleaseException(DiagnosticCodes.ServeBindAddressInvalid,
                    $"--bind \"{text}\": expected an IP address of this PC (127.0.0.1, ::1, a LAN address, 0.0.0.0 for IPv4 only), found {(text.Length == 0 ? "nothing" : "something else")}. Host names are not accepted here (they may resolve to several addresses). Leave --bind out to listen on every address, IPv4 and IPv6.",
                    kind: FailureKind.Usage);
            }

            addresses.Add(address);
        }

        // [::] is the default (one dual-stack socket); asking for it explicitly changes nothing.
        return addresses.Any(a => a.Equals(IPAddress.IPv6Any)) ? [] : [.. addresses.Distinct()];
    }

    private static (List<IPAddress> Addresses, List<string> Names) ParseHosts(IReadOnlyList<string> hosts)
    {
        var addresses = new List<IPAddress>();
        var names = new List<string>();
        foreach (var text in hosts)
        {
            var host = text.Trim().Trim('[', ']');
            if (IPAddress.TryParse(host, out var address) && (address.AddressFamily == AddressFamily.InterNetwork || address.ScopeId == 0))
            {
                addresses.Add(address);
            }
            else if (Uri.CheckHostName(host) == UriHostNameType.Dns)
            {
                names.Add(host);
            }
            else
            {
                throw new EspReleaseException(DiagnosticCodes.ServeHostNameInvalid,
                    $"--host \"{text}\": expected a DNS name (e.g. my-pc.local) or an IP address (without a zone index) the firmware's URL will name, found neither. Pass the host part of the URL only, without scheme, port or path.",
                    kind: FailureKind.Usage);
            }
        }

        return (addresses, names);
    }

    private static string ResolveRoot(string? directory, SdkconfigProject? project)
    {
        if (directory is not null)
        {
            var full = Path.GetFullPath(directory);
            return System.IO.Directory.Exists(full) ? full : throw DevServer.DirectoryNotFound(full);
        }

        if (project is null)
        {
            throw new EspReleaseException(DiagnosticCodes.ServeDirectoryNotFound,
                "expected the folder to serve (e.g. `esp-release serve build`) or an ESP-IDF project (--project DIR, which serves its build/ folder), found neither. Pass one of them.",
                kind: FailureKind.Usage);
        }

        // The URL goes into the firmware before the build that uses it, so build/ may not exist yet; idf.py creates the same folder.
        var build = Path.Combine(project.Directory, "build");
        System.IO.Directory.CreateDirectory(build);
        return build;
    }

    private static string? ResolveFile(string? file, string root, SdkconfigProject? project)
    {
        if (file is not null)
        {
            var full = Path.GetFullPath(file, root);
            var relative = Path.GetRelativePath(root, full);
            if (relative == "." || relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative))
            {
                throw new EspReleaseException(DiagnosticCodes.ServeFileOutsideRoot,
                    $"--file \"{file}\": expected a file inside the served folder {root}, found {(relative == "." ? "the folder itself" : full)}. Pass a path relative to the served folder (e.g. --file simple_ota.bin), or serve the folder that holds the file.",
                    kind: FailureKind.Usage);
            }

            return relative.Replace(Path.DirectorySeparatorChar, '/');
        }

        if (AppBinFromBuild(root) is { } appBin)
        {
            return appBin;
        }

        if (project is not null)
        {
            return CMakeProject.Name(project.Directory) is { } name
                ? name + ".bin"
                : throw new EspReleaseException(DiagnosticCodes.ServeFileUnknown,
                    $"{Path.Combine(project.Directory, "CMakeLists.txt")}: expected `project(<name>)` (idf.py names the app image <name>.bin), and {root} holds no {ProjectDescription.FileName} either, so the URL cannot name the firmware file. Pass it with --file NAME.",
                    Path.Combine(project.Directory, "CMakeLists.txt"), FailureKind.Usage);
        }

        var images = System.IO.Directory.GetFiles(root, "*.bin");
        return images.Length == 1 ? Path.GetFileName(images[0]) : null;
    }

    private static string? AppBinFromBuild(string root)
    {
        var description = Path.Combine(root, ProjectDescription.FileName);
        if (!System.IO.File.Exists(description))
        {
            return null;
        }

        // A description that does not read is refused (BuildJsonInvalid, exit 2) rather than guessed around:
        // the URL written into the firmware would name a file the build never made.
        return ProjectDescription.Read(description).AppBin.Replace('\\', '/');
    }

    private static DevCertificateAuthority LoadCa(string directory)
    {
        try
        {
            return DevCertificateAuthority.LoadOrCreate(Path.GetFullPath(directory));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            throw new EspReleaseException(DiagnosticCodes.ServeDevCaInvalid,
                $"{Path.GetFullPath(directory)}: expected the development CA (ca.pem with its key ca.key.pem), found files that do not load ({e.Message}). Restore them from a backup, or move the folder away to create a new CA; firmware built with the old CA must then be rebuilt and flashed once.",
                Path.GetFullPath(directory), FailureKind.Usage, e);
        }
    }

}

/// <summary>What `serve --project` changed in the project.</summary>
/// <param name="Directory">The project directory.</param>
/// <param name="CaFile">The CA file the firmware embeds.</param>
/// <param name="CaFileFoundBy">How that file was found (main/CMakeLists.txt, sdkconfig, the examples' default).</param>
/// <param name="CaFileChanged">False when it already held exactly the development CA.</param>
/// <param name="UrlOption">The URL option, without CONFIG_.</param>
/// <param name="Url">The URL written.</param>
/// <param name="Changes">Each sdkconfig file and what happened to the option there.</param>
public sealed record ProjectSetup(
    string Directory,
    string CaFile,
    string CaFileFoundBy,
    bool CaFileChanged,
    string UrlOption,
    string Url,
    IReadOnlyList<SdkconfigFileChange> Changes)
{
    /// <summary>Writes the CA file and the URL, adding warnings for what the user must know.</summary>
    internal static ProjectSetup Apply(SdkconfigProject project, OtaUrlOption option, string url, CertificateInfo ca, List<Diagnostic> warnings)
    {
        var location = ProjectCaFile.Locate(project.Directory);
        var existing = System.IO.File.Exists(location.Path) ? PemCertificates.Parse(InputFile.ReadAllText(location.Path)) : [];
        var caChanged = existing.Count != 1 || existing[0].Sha256 != ca.Sha256;
        if (caChanged)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(location.Path)!);
            AtomicFile.WriteAllBytes(location.Path, Encoding.ASCII.GetBytes(PemCertificates.Format([ca])));
            var others = existing.Where(c => c.Sha256 != ca.Sha256).ToList();
            if (others.Count > 0)
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.ServeCaFileReplaced, Severity.Warning,
                    $"{location.Path}: held {others.Count} other certificate(s) ({string.Join("; ", others.Select(c => c.SubjectText))}); it now holds only the development CA, so this firmware trusts only this PC's server. Before a release build, put the production CA back: `esp-release ca fetch <https-url> --project {project.Directory}`.",
                    location.Path));
            }
        }

        var before = project.Effective(option.Name)?.Value is { Kind: SdkconfigValueKind.Text } effective ? effective.Text : null;
        var value = SdkconfigValue.OfString(url);
        var changes = new List<SdkconfigFileChange>();
        var files = new List<SdkconfigFile>();
        if (project.Sdkconfig is { } sdkconfig)
        {
            files.Add(sdkconfig);
        }

        // Both files: idf.py applies sdkconfig.defaults only to options sdkconfig does not set yet, so a fresh
        // clone or CI build would otherwise download from another URL than this checkout.
        files.Add(project.Defaults ?? SdkconfigFile.LoadOrCreate(project.DefaultsPath));
        foreach (var file in files)
        {
            var created = file.IsNew;
            var change = file.Set(option.Name, value);
            if (file.IsModified)
            {
                file.Save();
            }

            changes.Add(new SdkconfigFileChange(file.Path, change, created));
        }

        var rebuild = new List<string>();
        if (caChanged)
        {
            rebuild.Add($"{location.Path} now holds the development CA");
        }

        if (changes.Any(c => c.Change.Kind != SdkconfigChangeKind.Unchanged) && before != url)
        {
            rebuild.Add($"{SdkconfigFile.Prefix}{option.Name} is now \"{url}\"" + (before is null ? "" : $" (was \"{before}\": firmware built before downloads from there)"));
        }

        if (rebuild.Count > 0)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.ServeFirmwareConfigChanged, Severity.Warning,
                $"{string.Join("; ", rebuild)}. Rebuild the firmware (`idf.py build`) and flash it once by cable (`idf.py flash`); later builds then update over the air from this server.",
                caChanged ? location.Path : changes[^1].File));
        }

        return new ProjectSetup(project.Directory, location.Path, location.FoundBy, caChanged, option.Name, url, changes);
    }
}

/// <summary>One sdkconfig file `serve --project` set the URL in.</summary>
/// <param name="File">The file.</param>
/// <param name="Change">What happened to the option's line.</param>
/// <param name="Created">The file did not exist before.</param>
public sealed record SdkconfigFileChange(string File, SdkconfigChange Change, bool Created);
