using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Output;

/// <summary>The text reports of the <c>sdkconfig</c> subcommands.</summary>
internal static class SdkconfigTextWriter
{
    public static void WriteChange(TextWriter o, SdkconfigFile file, SdkconfigChange change)
    {
        var line = change.Value.ToLine(change.Name);
        var what = change.Kind switch
        {
            SdkconfigChangeKind.Unchanged => $"unchanged (line {change.Line} already says so)",
            SdkconfigChangeKind.Replaced => $"replaced line {change.Line} (was {change.Previous})",
            _ => file.IsNew ? "created the file" : $"appended at line {change.Line}",
        };
        o.WriteLine($"{file.Path}: {line}  [{what}]");
        if (change.RemovedDefaultMarker)
        {
            o.WriteLine("  removed the '# default:' line above it: the value is now set by you, so sdkconfig.defaults and Kconfig default changes no longer replace it.");
        }
    }

    public static void WriteCheck(TextWriter o, SecurityReport report, bool release)
    {
        o.WriteLine($"Checked {report.View.Description}");
        if (report.IsSecure)
        {
            o.WriteLine("  no switch that weakens OTA security is on.");
            return;
        }

        var list = string.Join(", ", report.Findings.Select(f => f.Setting.FullName));
        o.WriteLine(release
            ? $"  refused: {report.Findings.Count} switch(es) weaken OTA security ({list}); see the errors above."
            : $"  {report.Findings.Count} switch(es) weaken OTA security ({list}); a release would be refused (check --release, pack, publish).");
    }
}
