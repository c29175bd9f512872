using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release sdkconfig get KEY</c>: the value the next build uses, and which file it comes from.</summary>
internal sealed class SdkconfigGetCommand : ReleaseCommandBase
{
    public SdkconfigGetCommand(Option<DiagnosticsFormat> format)
        : base("get", "Print an option's effective value and the file it comes from: sdkconfig (when it sets the option), else sdkconfig.defaults (what a build without sdkconfig starts from), else the default in the project's Kconfig.", format)
    {
        Arguments.Add(KeyArgument);
        Options.Add(ProjectOption);
    }

    internal Argument<string> KeyArgument { get; } = new("key")
    {
        Description = "The option, with or without the CONFIG_ prefix (e.g. EXAMPLE_FIRMWARE_UPGRADE_URL).",
    };

    internal Option<string?> ProjectOption { get; } = SdkconfigOptions.Project();

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var project = SdkconfigOptions.Open(context, ProjectOption);
        var name = SdkconfigFile.NormalizeName(context.Parse.GetValue(KeyArgument)!);
        var setting = project.Effective(name) ?? throw NotSet(project, name);
        var fresh = project.FreshBuild(name);
        var differs = setting.Source == SdkconfigSource.Sdkconfig && fresh is not null && !fresh.Value.SameAs(setting.Value);

        if (context.Json)
        {
            SdkconfigJsonWriter.WriteGet(context.Stdout, setting, differs ? fresh : null);
            return Task.FromResult(ExitCodes.Success);
        }

        var o = context.Stdout;
        o.WriteLine(setting.Value.ToLine(name));
        o.WriteLine($"  from:  {Origin(project, setting)}");
        if (differs)
        {
            o.WriteLine($"  note:  a build without sdkconfig (fresh clone, CI) would use {fresh!.Value} from {fresh.Where}");
        }

        return Task.FromResult(ExitCodes.Success);
    }

    private static string Origin(SdkconfigProject project, SdkconfigSetting s) => s.Source switch
    {
        SdkconfigSource.Sdkconfig when s.IsDefault => $"{s.Where} (marked # default:, so sdkconfig.defaults or a changed Kconfig default can replace it)",
        SdkconfigSource.Sdkconfig => s.Where,
        SdkconfigSource.Defaults when project.Sdkconfig is null => $"{s.Where} (there is no sdkconfig yet; the next build creates it from sdkconfig.defaults)",
        SdkconfigSource.Defaults when SdkconfigProject.Lookup(project.Sdkconfig, s.Name, SdkconfigSource.Sdkconfig) is { } marked =>
            $"{s.Where} (sdkconfig line {marked.Line} has it only as a # default: value, which sdkconfig.defaults overrides)",
        SdkconfigSource.Defaults => $"{s.Where} (sdkconfig does not set it, so the next build takes it from sdkconfig.defaults)",
        _ => $"{s.Where} (the Kconfig default; neither sdkconfig nor sdkconfig.defaults sets it)",
    };

    private static EspReleaseException NotSet(SdkconfigProject project, string name)
    {
        var looked = string.Join(" and ", new[] { project.Sdkconfig?.Path, project.Defaults?.Path, project.TargetDefaults?.Path }.Where(p => p is not null));
        var where = looked.Length == 0 ? $"{project.Directory} has no sdkconfig or sdkconfig.defaults" : $"not set in {looked}";
        var kconfig = project.Symbol(name) is { } symbol
            ? $" {symbol.File} line {symbol.Line} defines it without a plain default, so its value depends on other options."
            : " The project's Kconfig files do not define it, so its value is the default of whichever Kconfig file (ESP-IDF or a component) does.";
        return new EspReleaseException(DiagnosticCodes.SdkconfigOptionNotSet,
            $"{SdkconfigFile.Prefix}{name}: {where}.{kconfig} Check the name, run `idf.py menuconfig` (or a build) to write a complete sdkconfig, or set it with `esp-release sdkconfig set {name} VALUE`.",
            project.Sdkconfig?.Path ?? project.Defaults?.Path, FailureKind.Usage);
    }
}
