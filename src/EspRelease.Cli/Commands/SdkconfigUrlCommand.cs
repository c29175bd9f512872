using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release sdkconfig url URL [--option NAME]</c>: point the firmware at its download URL.</summary>
internal sealed class SdkconfigUrlCommand : ReleaseCommandBase
{
    public SdkconfigUrlCommand(Option<DiagnosticsFormat> format)
        : base("url", "Set the project's firmware URL option (found in main/Kconfig.projbuild, e.g. EXAMPLE_FIRMWARE_UPGRADE_URL) in sdkconfig, if it exists, and in sdkconfig.defaults (created if missing), so this checkout and a fresh clone or CI build download from the same URL.", format)
    {
        Arguments.Add(UrlArgument);
        Options.Add(OptionOption);
        Options.Add(ProjectOption);
    }

    internal Argument<string> UrlArgument { get; } = new("url")
    {
        Description = "The https:// URL the device downloads the firmware from (http:// is accepted for test setups, with a warning).",
    };

    internal Option<string?> OptionOption { get; } = new("--option")
    {
        Description = "The string option that holds the URL, with or without CONFIG_. Default: the one main/Kconfig.projbuild (or a component's Kconfig.projbuild) defines for the firmware URL.",
    };

    internal Option<string?> ProjectOption { get; } = SdkconfigOptions.Project();

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var url = context.Parse.GetValue(UrlArgument)!;
        var project = SdkconfigOptions.Open(context, ProjectOption);
        var plainHttp = ValidateUrl(url);
        var option = project.FindUrlOption(context.Get(OptionOption));
        var value = SdkconfigValue.OfString(url);
        var warnings = new List<Diagnostic>(option.Warnings);

        var changes = new List<(SdkconfigFile File, SdkconfigChange Change)>();
        if (project.Sdkconfig is { } sdkconfig)
        {
            var missing = !sdkconfig.Contains(option.Name);
            changes.Add((sdkconfig, sdkconfig.Set(option.Name, value)));
            if (missing)
            {
                warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigShadowsDefaults, Severity.Warning,
                    $"{sdkconfig.Path} did not contain {SdkconfigFile.Prefix}{option.Name}, so the line was appended at its end (the next idf.py build moves it into its menu). A generated sdkconfig always lists the project's options: this one was probably written before the option existed or for another project. If it is stale, delete it and let the next build regenerate it from sdkconfig.defaults.",
                    sdkconfig.Path));
            }
        }

        var defaults = project.Defaults ?? SdkconfigFile.LoadOrCreate(project.DefaultsPath);
        changes.Add((defaults, defaults.Set(option.Name, value)));
        foreach (var (file, _) in changes.Where(c => c.File.IsModified))
        {
            file.Save();
        }

        if (plainHttp)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.HttpFirmwareUrlWarning, Severity.Warning,
                $"{SdkconfigFile.Prefix}{option.Name} is now a plain http:// URL. esp_https_ota refuses it unless {SdkconfigFile.Prefix}{SdkconfigSecurity.OtaAllowHttp}=y (`esp-release sdkconfig set {SdkconfigSecurity.OtaAllowHttp} y`), and `esp-release sdkconfig check --release`, pack and publish refuse a release built with either ({DiagnosticCodes.HttpFirmwareUrl}, {DiagnosticCodes.OtaAllowHttp}): over HTTP anyone on the network path can replace the image. Use it on test devices only and ship an https:// URL.",
                defaults.Path));
        }

        // Other security-relevant options where this checkout and a fresh build disagree.
        warnings.AddRange(SdkconfigSecurity.Drift(SdkconfigProject.Open(project.Directory), except: [option.Name]));

        context.Results["Option"] = SdkconfigFile.Prefix + option.Name;
        context.Results["ChangedFiles"] = string.Join(";", changes.Where(c => c.Change.Kind != SdkconfigChangeKind.Unchanged).Select(c => c.File.Path));
        if (context.Json)
        {
            SdkconfigJsonWriter.WriteUrl(context.Stdout, option, url, changes, warnings);
        }
        else
        {
            context.Warn(warnings);
            var source = option.Symbol is { } symbol ? $" ({symbol.File} line {symbol.Line})" : " (--option)";
            context.Stdout.WriteLine($"Firmware URL option: {SdkconfigFile.Prefix}{option.Name}{source}");
            foreach (var (file, change) in changes)
            {
                SdkconfigTextWriter.WriteChange(context.Stdout, file, change);
            }
        }

        return Task.FromResult(ExitCodes.Success);
    }

    /// <summary>True for http://; throws for anything that is not an absolute http(s) URL with a host.</summary>
    private static bool ValidateUrl(string url)
    {
        string? problem = null;
        if (url.Length == 0 || url.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            problem = "spaces or control characters (the device sends the URL as is in its request line)";
        }
        else if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Host.Length == 0)
        {
            problem = url.Contains("://", StringComparison.Ordinal) ? $"the scheme \"{url[..url.IndexOf("://", StringComparison.Ordinal)]}\" or no host" : "no scheme and host";
        }

        if (problem is not null)
        {
            throw new EspReleaseException(DiagnosticCodes.OtaUrlInvalid,
                $"\"{url}\": expected the https:// URL the device downloads its firmware from (e.g. https://ota.example.com/firmware/app.bin), found {problem}. esp_https_ota speaks HTTPS (plain http:// only for tests). Pass a full https:// URL.",
                kind: FailureKind.Usage);
        }

        return url.StartsWith("http://", StringComparison.OrdinalIgnoreCase);
    }
}
