using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Core.Doctor;

/// <summary>
/// The project as the checks see it, read once: its configuration, the firmware URL and where it came
/// from, the CA file in the source tree and the CA the build embeds, the build, and the C sources.
/// Anything missing is null with the reason, so each check can say why it was skipped.
/// </summary>
internal sealed class DoctorContext
{
    private DoctorContext(DoctorOptions options) => Options = options;

    public DoctorOptions Options { get; }

    public string? ProjectDir { get; private set; }

    public SdkconfigProject? Project { get; private set; }

    public Uri? Url { get; private set; }

    /// <summary>Where the URL came from ("--url", or the sdkconfig option and file).</summary>
    public string UrlSource { get; private set; } = "--url";

    /// <summary>Why no URL is known (when <see cref="Url"/> is null).</summary>
    public string? UrlMissing { get; private set; }

    /// <summary>The CA file the source tree embeds (what the next build gets).</summary>
    public string? CaFile { get; private set; }

    public IReadOnlyList<CertificateInfo>? SourceCa { get; private set; }

    public string? BuildDir { get; private set; }

    public BuildInspection? Build { get; private set; }

    /// <summary>The CA certificates the built app carries (what a device flashed with this build trusts).</summary>
    public IReadOnlyList<CertificateInfo>? BuildCa { get; private set; }

    public ProjectSources Sources { get; private set; } = ProjectSources.None;

    public MbedTlsGeneration Generation { get; private set; } = MbedTlsGeneration.V35Plus;

    public DateTime Now => Options.Now ?? DateTime.UtcNow;

    public static DoctorContext Load(DoctorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var context = new DoctorContext(options);
        context.LoadProject();
        context.LoadBuild();
        context.LoadUrl();
        context.Generation = options.Generation ?? MbedTlsGenerations.FromIdfVersion(context.Build?.Project?.IdfVersion) ?? MbedTlsGeneration.V35Plus;
        return context;
    }

    /// <summary>The CA a device would trust: the build's when there is a build carrying one, else the source tree's.</summary>
    public (IReadOnlyList<CertificateInfo>? Trusted, string Origin, bool FromImage) DeviceCa() =>
        BuildCa is { Count: > 0 } && Build?.App is { } app
            ? (BuildCa, app.File, true)
            : (SourceCa, CaFile ?? "the CA file", false);

    private void LoadProject()
    {
        var dir = Options.ProjectDir ?? (Options.BuildDir is { } build ? Path.GetDirectoryName(Path.GetFullPath(build).TrimEnd(Path.DirectorySeparatorChar)) : null);
        if (dir is null || !SdkconfigProject.LooksLikeProject(dir))
        {
            return;
        }

        ProjectDir = Path.GetFullPath(dir);
        Project = SdkconfigProject.OpenUnchecked(ProjectDir);
        Sources = ProjectSources.Load(ProjectDir);
        var ca = ProjectCaFile.Locate(ProjectDir);
        CaFile = ca.Path;
        SourceCa = TryRead(() => PemCertificates.ReadFile(ca.Path));
    }

    private void LoadBuild()
    {
        var dir = Options.BuildDir ?? (ProjectDir is null ? null : Path.Combine(ProjectDir, "build"));
        if (dir is null || !IdfBuildReader.IsBuildDirectory(dir))
        {
            return;
        }

        BuildDir = Path.GetFullPath(dir);
        Build = IdfBuildReader.Inspect(BuildDir);
        if (Build.App is { } app && File.Exists(app.File))
        {
            BuildCa = TryRead(() => PemCertificates.FindInImage(app.File));
        }
    }

    private void LoadUrl()
    {
        if (Options.Url is { } url)
        {
            Url = url;
            return;
        }

        if (Project is null)
        {
            UrlMissing = "no URL was given and no ESP-IDF project to read it from";
            return;
        }

        try
        {
            var option = Project.FindUrlOption(null);
            var setting = Project.Effective(option.Name);
            if (setting is { Source: SdkconfigSource.Kconfig })
            {
                // Set in neither sdkconfig nor sdkconfig.defaults: the Kconfig default is the example's
                // placeholder (192.168.0.3 in ESP-IDF's OTA examples), a server nobody named; never probed unasked.
                UrlMissing = $"{setting.FullName}=\"{setting.Value.Text}\" is only the Kconfig default ({setting.Where}), set in neither sdkconfig nor sdkconfig.defaults, so it is not probed. Set the real URL (`dotnet esp-release sdkconfig url <url> --project {ProjectDir}`), or pass --url to check that one";
                return;
            }

            if (setting?.Value.Text is { } text && Uri.TryCreate(text, UriKind.Absolute, out var found) && (found.Scheme == Uri.UriSchemeHttps || found.Scheme == Uri.UriSchemeHttp))
            {
                Url = found;
                UrlSource = $"{setting.FullName} ({setting.Where})";
                return;
            }

            UrlMissing = setting is null
                ? $"the project's sdkconfig does not set {SdkconfigFile.Prefix}{option.Name}"
                : $"{setting.FullName}=\"{setting.Value.Text}\" ({setting.Where}) is not an http(s) URL";
        }
        catch (EspReleaseException e)
        {
            UrlMissing = e.Diagnostic.Message;
        }
    }

    // A CA file that cannot be read is the TLS check's finding, not a reason to stop the others.
    private static IReadOnlyList<CertificateInfo>? TryRead(Func<IReadOnlyList<CertificateInfo>> read)
    {
        try
        {
            return read();
        }
        catch (EspReleaseException)
        {
            return null;
        }
    }
}
