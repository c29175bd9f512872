using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Sdkconfig;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release sdkconfig check [--release]</c>: switches that weaken OTA security in the effective configuration.</summary>
internal sealed class SdkconfigCheckCommand : ReleaseCommandBase
{
    public SdkconfigCheckCommand(Option<DiagnosticsFormat> format)
        : base("check", "Check the effective configuration (sdkconfig, else sdkconfig.defaults, else the project's Kconfig defaults) for switches that weaken OTA security: CONFIG_ESP_TLS_INSECURE, CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY, CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, a skip-CN option (e.g. CONFIG_EXAMPLE_SKIP_COMMON_NAME_CHECK), CONFIG_MBEDTLS_ALLOW_WEAK_CERTIFICATE_VERIFICATION and an http:// firmware URL. Reported as warnings (exit 0), or with --release as errors (exit 2).", format)
    {
        Options.Add(ReleaseOption);
        Options.Add(ProjectOption);
    }

    internal Option<bool> ReleaseOption { get; } = new("--release")
    {
        Description = "Check for a release: every insecure switch is an error and the command exits 2 (what pack and publish enforce on a build).",
    };

    internal Option<string?> ProjectOption { get; } = SdkconfigOptions.Project();

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var project = SdkconfigOptions.Open(context, ProjectOption);
        var release = context.Get(ReleaseOption);
        var report = SdkconfigSecurity.Check(project);
        var fileWarnings = new[] { project.Sdkconfig, project.Defaults, project.TargetDefaults }.SelectMany(f => f?.Warnings ?? []);
        var diagnostics = report.Diagnostics(release).Concat(fileWarnings).ToList();
        var refused = release && !report.IsSecure;

        if (context.Json)
        {
            if (refused)
            {
                context.Diagnostics.WriteAll(diagnostics.Where(d => d.Severity == Severity.Error));
            }

            SdkconfigJsonWriter.WriteCheck(context.Stdout, report, release, diagnostics);
        }
        else
        {
            context.Diagnostics.WriteAll(diagnostics);
            SdkconfigTextWriter.WriteCheck(context.Stdout, report, release);
        }

        return Task.FromResult(refused ? ExitCodes.Invalid : ExitCodes.Success);
    }
}
