namespace EspRelease.Core.Doctor;

/// <summary>
/// <c>doctor</c> before flashing: every check that applies to the project as it stands, each failure
/// with the line the device would print. A check against the server that cannot run (the server is
/// down, the name does not resolve) is reported as not checked, never guessed; a check that does not
/// apply (no URL, no build) is named with the reason.
/// </summary>
public static class ProjectDoctor
{
    public static async Task<DoctorReport> PredictAsync(DoctorOptions options, CancellationToken cancellationToken)
    {
        var context = DoctorContext.Load(options);
        var report = new DoctorReport();
        if (context.ProjectDir is null)
        {
            report.Skipped.Add($"no ESP-IDF project at {options.ProjectDir ?? "(none given)"}: the sdkconfig switches, the CA file and the C sources were not checked.");
        }

        if (context.Build is null)
        {
            report.Skipped.Add($"no idf.py build directory ({options.BuildDir ?? (context.ProjectDir is null ? "none given" : Path.Combine(context.ProjectDir, "build") + " does not exist")}): the app's size against its OTA slot, its version and the CA it embeds were not checked.");
        }

        report.Findings.AddRange(ProjectChecks.Run(context));
        if (context.Url is null)
        {
            report.Skipped.Add($"no firmware URL ({context.UrlMissing}): the CA against the live server, the connection on the device's address family, the request-line length and the live Azure SAS probe were not checked. Pass the URL, or set it with `dotnet esp-release sdkconfig url`.");
            Add(report, await SasCheck.RunAsync(context, live: false, cancellationToken));
            return report;
        }

        var reach = await ReachabilityCheck.RunAsync(context, cancellationToken);
        Add(report, reach);
        var connected = reach is { Finding: null, NotChecked: null };
        if (!connected)
        {
            report.Skipped.Add($"the TLS chain of {Certificates.ServerProbe.Redact(context.Url)} was not judged: the device could not connect to it.");
        }
        else if (context.Url.Scheme == Uri.UriSchemeHttps && context.DeviceCa().Trusted is not { Count: > 0 })
        {
            // A project without a CA file verifies with the certificate bundle (or not at all): nothing of ours to judge with.
            report.Skipped.Add($"the TLS chain was not judged: the project's CA file {context.CaFile ?? "(no project)"} is missing or holds no certificate, and no build carries one.");
        }
        else if (context.Url.Scheme == Uri.UriSchemeHttps)
        {
            Add(report, await TlsCheck.RunAsync(context, cancellationToken));
        }

        Add(report, await SasCheck.RunAsync(context, live: connected, cancellationToken));
        return report;
    }

    private static void Add(DoctorReport report, LiveCheck? check)
    {
        if (check?.Finding is { } finding)
        {
            report.Findings.Add(finding);
        }

        if (check?.NotChecked is { } why)
        {
            report.NotChecked.Add(why);
        }
    }
}
