using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release sdkconfig set KEY VALUE [--defaults]</c>: patch one option in place.</summary>
internal sealed class SdkconfigSetCommand : ReleaseCommandBase
{
    public SdkconfigSetCommand(Option<DiagnosticsFormat> format)
        : base("set", "Set an option in sdkconfig (or sdkconfig.defaults with --defaults), creating the file if needed. The line is replaced where it is (a '# default:' line above it is removed: the value is now yours); an absent option is appended; nothing else in the file changes. A bool set to n is written '# CONFIG_X is not set'; strings are quoted and escaped.", format)
    {
        Arguments.Add(KeyArgument);
        Arguments.Add(ValueArgument);
        Options.Add(DefaultsOption);
        Options.Add(ProjectOption);
    }

    internal Argument<string> KeyArgument { get; } = new("key")
    {
        Description = "The option, with or without the CONFIG_ prefix.",
    };

    internal Argument<string> ValueArgument { get; } = new("value")
    {
        Description = "The value: y or n for bools, a number for int/hex, text for strings (without quotes; the type comes from the project's Kconfig or the current value, else y/n is a bool and a number an int). Wrap it in double quotes to force a string.",
    };

    internal Option<bool> DefaultsOption { get; } = new("--defaults")
    {
        Description = "Write sdkconfig.defaults (what a build without sdkconfig, e.g. CI from a fresh clone, starts from) instead of sdkconfig.",
    };

    internal Option<string?> ProjectOption { get; } = SdkconfigOptions.Project();

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var project = SdkconfigOptions.Open(context, ProjectOption);
        var name = SdkconfigFile.NormalizeName(context.Parse.GetValue(KeyArgument)!);
        SdkconfigProject.EnsureWritable(name);
        var value = project.ParseValue(name, context.Parse.GetValue(ValueArgument)!);
        var toDefaults = context.Get(DefaultsOption);
        var known = project.Symbol(name) is not null || SdkconfigSecurity.KnownOptions.Contains(name) || project.Sdkconfig?.Contains(name) == true || project.Defaults?.Contains(name) == true;

        var file = toDefaults
            ? project.Defaults ?? SdkconfigFile.LoadOrCreate(project.DefaultsPath)
            : project.Sdkconfig ?? SdkconfigFile.LoadOrCreate(project.SdkconfigPath);
        var change = file.Set(name, value);
        if (file.IsModified)
        {
            file.Save();
        }

        var warnings = new List<Diagnostic>();
        if (!known)
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.OptionNotInKconfig, Severity.Warning,
                $"{SdkconfigFile.Prefix}{name} is not defined in the project's Kconfig files and was not in sdkconfig or sdkconfig.defaults before. If no ESP-IDF component defines it, kconfgen ignores the line and the next build drops it. Check the spelling.",
                file.Path));
        }

        if (!toDefaults && project.FreshBuild(name) is { Source: SdkconfigSource.Defaults } fromDefaults && !fromDefaults.Value.SameAs(value))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigShadowsDefaults, Severity.Warning,
                $"{fromDefaults.Where} still sets {fromDefaults.FullName}={fromDefaults.Value}: this checkout builds with the new value (sdkconfig wins), but a build without sdkconfig (a fresh clone, CI) gets the defaults' value. Run the command again with --defaults to change both.",
                fromDefaults.File));
        }

        if (toDefaults && SdkconfigProject.Lookup(project.Sdkconfig, name, SdkconfigSource.Sdkconfig) is { IsDefault: false } inSdkconfig && !inSdkconfig.Value.SameAs(value))
        {
            warnings.Add(new Diagnostic(DiagnosticCodes.SdkconfigShadowsDefaults, Severity.Warning,
                $"{inSdkconfig.Where} sets {inSdkconfig.FullName}={inSdkconfig.Value}, and idf.py applies sdkconfig.defaults only to options sdkconfig does not already set, so builds in this checkout keep using {inSdkconfig.Value}; only a build without sdkconfig (a fresh clone, CI) gets the new value. Run the command again without --defaults to change sdkconfig too.",
                inSdkconfig.File));
        }

        if (context.Json)
        {
            SdkconfigJsonWriter.WriteSet(context.Stdout, file, change, warnings);
        }
        else
        {
            context.Warn(warnings);
            SdkconfigTextWriter.WriteChange(context.Stdout, file, change);
        }

        return Task.FromResult(ExitCodes.Success);
    }
}
