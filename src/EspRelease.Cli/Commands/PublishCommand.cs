using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Hosts;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release publish &lt;build-dir|release-dir&gt; --to &lt;host&gt;</c>: pack if needed, upload, then point the channel at it.</summary>
internal sealed class PublishCommand : ReleaseCommandBase
{
    private readonly PackingOptions _packing = new();

    public PublishCommand(Option<DiagnosticsFormat> format)
        : base("publish", "Publish a release to a host: pack the build first if given a build directory, check the version against the channel's current release, upload the release files (never overwriting a published version), then replace the channel pointer (channels/<channel>.jws), last and atomically.", format)
    {
        Arguments.Add(PathArgument);
        Options.Add(ToOption);
        S3.AddTo(this);
        Options.Add(TrustedKeysOption);
        _packing.AddTo(this);
        Options.Add(RolloutOption);
        Options.Add(SasDaysOption);
        Options.Add(SasPolicyOption);
        Options.Add(ShowSasOption);
        Options.Add(CaOption);
        Options.Add(ProjectOption);
    }

    internal Option<string?> CaOption { get; } = new("--ca")
    {
        Description = "The CA file the firmware embeds, for the check from the device's side after publishing (`probe`). Default: the project's CA file, when there is one.",
    };

    internal Option<string?> ProjectOption { get; } = new("--project")
    {
        Description = "The ESP-IDF project whose CA file (what main/CMakeLists.txt embeds) the check after publishing uses, when --ca is not given. Default: the current directory.",
    };

    internal Argument<string?> PathArgument { get; } = new("path")
    {
        Description = "A release directory written by `pack`, or an idf.py build directory (packed first). Default: \"buildDir\" in esp-release.json, else the current directory.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal S3Flags S3 { get; } = new();

    internal Option<string?> ToOption { get; } = HostOptions.Host("--to", "--host");

    internal Option<string[]> TrustedKeysOption { get; } = HostOptions.TrustedKeys();

    internal Option<int?> RolloutOption { get; } = HostOptions.Rollout();

    internal Option<int> SasDaysOption { get; } = HostOptions.SasDays();

    internal Option<string> SasPolicyOption { get; } = HostOptions.SasPolicy();

    internal Option<bool> ShowSasOption { get; } = HostOptions.ShowSas();

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(ToOption), "--to", S3);
        var key = context.SigningKey(context.Get(_packing.Key));
        var trusted = context.TrustedKeys(context.Get(TrustedKeysOption));
        var path = PackingOptions.BuildDirectory(context, context.Parse.GetValue(PathArgument));

        var release = ReleaseDirectory.IsRelease(path)
            ? ReleaseDirectory.Load(path, [key.PublicKey, .. trusted])
            : _packing.Pack(context, path, key);

        var progress = context.Progress();
        var change = await ReleasePublisher.PublishAsync(host, release, _packing.ChannelOf(context, release.Manifest.Channel), new ChannelOptions
        {
            Key = key,
            TrustedKeys = trusted,
            AllowNonSemver = _packing.NonSemverAllowed(context),
            RolloutPercent = context.Get(RolloutOption),
            Created = CommandContext.Now,
        }, progress, cancellationToken);
        progress.Done();
        change = await DeviceUrl.AttachAsync(host, change, new DeviceUrlRequest(context.Get(SasPolicyOption)!, TimeSpan.FromDays(context.Get(SasDaysOption))), cancellationToken);
        var probe = await ProbeAsync(context, change, key, cancellationToken);
        ResultsFile.AddRelease(context.Results, release);
        context.Results["Channel"] = change.Channel;
        context.Results["Sequence"] = change.Manifest.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Results["Changed"] = change.Changed ? "true" : "false";
        context.Results["RolloutPercent"] = ChannelRollout.PercentOf(change.Manifest).ToString(System.Globalization.CultureInfo.InvariantCulture);
        context.Results["ChannelPointer"] = change.PointerPath;
        // Redacted: a SAS must never reach an MSBuild property, a log or a binlog.
        context.Results["DeviceUrl"] = change.DeviceUrl?.Redacted;

        if (context.Json)
        {
            ReleaseJsonWriter.WriteChange(context.Stdout, change, release, probe);
        }
        else
        {
            context.Warn([.. release.Warnings, .. change.Warnings]);
            if (release.Build is not null)
            {
                ReleaseTextWriter.WritePack(context.Stdout, release);
            }

            ReleaseTextWriter.WriteChange(context.Stdout, change, "Published");
            if (change.DeviceUrl is { } url)
            {
                WriteDeviceUrl(context.Stdout, url, context.Get(ShowSasOption), context.Diagnostics.Format == DiagnosticsFormat.GitHub);
            }

            if (probe is not null)
            {
                ProbeTextWriter.Write(context.Stdout, probe.FirmwareUrl ?? change.DeviceUrl!.ChannelUrl, probe);
            }
        }

        if (probe is not null)
        {
            context.Diagnostics.WriteAll(probe.Problems);
            if (!probe.Ok)
            {
                context.Stderr.WriteLine($"esp-release: the release IS published (channel pointer {change.PointerPath}), but a device would fail to take it from {change.DeviceUrl!.Redacted} (see above); fix the host and run `esp-release probe` again.");
                return ExitCodes.Invalid;
            }
        }

        return ExitCodes.Success;
    }

    // After any publish to a host devices reach by URL: fetch what was published exactly as a device will.
    private async Task<Core.Doctor.ProbeReport?> ProbeAsync(CommandContext context, ChannelChange change, Core.Signing.SigningKey key, CancellationToken cancellationToken)
    {
        // A device could not take it from a URL whose firmware it cannot derive (S3 presigned: a warning says so).
        if (change.DeviceUrl is not { } url || url.Kind == DeviceUrlKind.Private || !url.FirmwareUrlDerivable)
        {
            return null;
        }

        var caPath = context.Get(CaOption) ?? Core.Certificates.ProjectCaFile.Locate(context.Get(ProjectOption) ?? Directory.GetCurrentDirectory()).Path;
        return await Core.Doctor.DeviceProbe.RunAsync(new Core.Doctor.ProbeOptions
        {
            Url = url.ChannelUrl,
            Trusted = File.Exists(caPath) ? Core.Certificates.PemCertificates.ReadFile(caPath) : null,
            TrustedOrigin = caPath,
            Keys = [key.PublicKey],
        }, cancellationToken);
    }

    // The SAS goes to stdout only, and only when asked for: it ends up in every device's flash,
    // but a CI log is read by more people than a flash dump.
    private static void WriteDeviceUrl(TextWriter o, DeviceUrl url, bool showSas, bool github)
    {
        if (url.IsSigned && showSas)
        {
            if (github)
            {
                // Registered before it is printed: the runner hides it in this log line and every later one.
                GitHubWorkflow.Mask(o, url.ChannelUrl.Query.TrimStart('?'));
                foreach (var sig in url.ChannelUrl.Query.TrimStart('?').Split('&').Where(p => p.StartsWith("sig=", StringComparison.Ordinal) || p.StartsWith("X-Amz-Signature=", StringComparison.Ordinal)))
                {
                    GitHubWorkflow.Mask(o, sig[(sig.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                }
            }

            o.WriteLine("  device URL (holds a read-only SAS: put it in sdkconfig, keep it out of logs and tickets):");
            o.WriteLine($"    {url.ChannelUrl.AbsoluteUri}");
        }
        else
        {
            o.WriteLine($"  device URL: {url.Redacted}{(url.IsSigned ? " (--show-sas prints it whole)" : "")}");
        }

        o.WriteLine(url switch
        {
            { Kind: DeviceUrlKind.Public } => "  access:    public container or bucket, anonymous reads (no SAS)",
            { Kind: DeviceUrlKind.Presigned, Policy: { } policy } => $"  access:    read-only SAS for the container, stored access policy '{policy}' (delete it to revoke), expires {url.ExpiresOn:yyyy-MM-dd}",
            { Kind: DeviceUrlKind.Presigned } => $"  access:    presigned GET (SigV4), expires {url.ExpiresOn:yyyy-MM-dd HH:mm} UTC: 7 days at most (see the warning)",
            _ => "  access:    none: private container and no SAS (see the warning)",
        });
        var longest = Math.Max(url.ChannelRequestLine, url.FirmwareRequestLine);
        o.WriteLine($"  request:   GET line {url.ChannelRequestLine} bytes (pointer), {url.FirmwareRequestLine} (firmware): {(DeviceUrl.Fits(longest) ? "fits" : "too long for")} esp_http_client's default {DeviceUrl.DefaultTransmitBuffer}-byte buffer_size_tx");
        if (url.IsSigned && url.FirmwareUrlDerivable)
        {
            o.WriteLine("  note:      the manifest's firmware path is relative; a device resolving it must append the same query (URL resolution drops it)");
        }
    }
}
