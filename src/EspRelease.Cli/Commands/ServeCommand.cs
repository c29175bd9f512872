using System.CommandLine;
using System.Runtime.CompilerServices;
using EspRelease.Cli.Output;
using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.DevServer;

namespace EspRelease.Cli.Commands;

/// <summary>
/// <c>esp-release serve [dir] [--project DIR]</c>: the development HTTPS server (src/EspRelease.DevServer)
/// that replaces <c>openssl s_server -WWW</c>. This class only maps options; DevServer types appear in
/// <see cref="ServeAsync"/> alone, so building the command tree (every other command's start-up) never loads
/// ASP.NET Core.
/// </summary>
internal sealed class ServeCommand : ReleaseCommandBase
{
    public ServeCommand(Option<DiagnosticsFormat> format)
        : base("serve", "Serve a folder over HTTPS to ESP32 devices on the LAN, as the OTA examples' `openssl s_server -WWW` meant to: IPv4 and IPv6 on one port, a certificate from the development CA for this PC's addresses, GET/HEAD/Range with Content-Length, never compressed, one log line per request and per failed TLS handshake. Prints the URL(s) for sdkconfig; --project also writes the CA into the project's CA file and the URL into sdkconfig and sdkconfig.defaults.", format)
    {
        Arguments.Add(DirectoryArgument);
        Options.Add(ProjectOption);
        Options.Add(FileOption);
        Options.Add(UrlOptionOption);
        Options.Add(PortOption);
        Options.Add(BindOption);
        Options.Add(HostOption);
        Options.Add(CaDirectoryOption);
    }

    internal Argument<string?> DirectoryArgument { get; } = new("dir")
    {
        Description = "The folder to serve: an idf.py build directory, a release folder. Default with --project: the project's build/ (created if missing).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal Option<string?> ProjectOption { get; } = new("--project", "-p")
    {
        Description = "An ESP-IDF project to point at this server: the development CA goes into its CA file (what main/CMakeLists.txt embeds, else server_certs/ca_cert.pem) and the preferred URL into its firmware URL option in sdkconfig (if present) and sdkconfig.defaults. Rebuild and flash once afterwards.",
    };

    internal Option<string?> FileOption { get; } = new("--file")
    {
        Description = "The served file the URL names, relative to the folder. Default: app_bin from the folder's project_description.json; else, with --project, <project>.bin from its CMakeLists.txt; else the only *.bin in the folder.",
    };

    internal Option<string?> UrlOptionOption { get; } = new("--option")
    {
        Description = "With --project: the string option that holds the URL (with or without CONFIG_). Default: the one main/Kconfig.projbuild defines, e.g. EXAMPLE_FIRMWARE_UPGRADE_URL.",
    };

    internal Option<int> PortOption { get; } = new("--port")
    {
        Description = "The port (0: any free port, printed at start).",
        DefaultValueFactory = _ => 8070,
        CustomParser = result => WholeNumberParser.Parse(result, "--port", 0, 65535, "0-65535 (0: any free port)") ?? 0,
    };

    internal Option<string[]> BindOption { get; } = new("--bind")
    {
        Description = "Listen only on this address (repeat for several; they share one port), e.g. 127.0.0.1 and ::1 for tests. Default: every address, IPv4 and IPv6 on one dual-stack socket.",
    };

    internal Option<string[]> HostOption { get; } = new("--host")
    {
        Description = "Another name or address the server certificate must cover (e.g. my-pc.local); repeat for several.",
    };

    internal Option<string?> CaDirectoryOption { get; } = new("--ca-dir")
    {
        Description = "Where the development CA lives. Default: $ESP_RELEASE_HOME/dev-ca, else ~/.config/esp-release/dev-ca.",
    };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken) => ServeAsync(context, cancellationToken);

    // Not inlined into ExecuteAsync: the JIT resolves DevServer (and so ASP.NET Core) only when serve runs.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private async Task<int> ServeAsync(CommandContext context, CancellationToken cancellationToken)
    {
        // Kestrel logs from its own threads; one line must never interleave with another.
        var output = TextWriter.Synchronized(context.Stdout);
        var json = context.Json;
        var settings = new ServeSettings
        {
            Directory = context.Parse.GetValue(DirectoryArgument),
            Project = context.Get(ProjectOption),
            File = context.Get(FileOption),
            UrlOption = context.Get(UrlOptionOption),
            Port = context.Get(PortOption),
            Bind = context.Get(BindOption) ?? [],
            Hosts = context.Get(HostOption) ?? [],
            CaDirectory = context.Get(CaDirectoryOption) ?? DevCertificateAuthority.DefaultDirectory(CommandContext.Environment),
        };

        ServeSession session;
        try
        {
            session = await ServeSession.StartAsync(settings, entry => output.WriteLine(json ? entry.ToJson() : entry.ToText()), cancellationToken);
        }
        catch (EspReleaseException e) when (json)
        {
            // --json is a stream of JSON lines here: the failure is one line too, not the other commands' indented document.
            context.Diagnostics.WriteAll(e.Diagnostics);
            output.WriteLine(ServeStartup.FailureJson(e.Diagnostics));
            return e.Kind switch
            {
                FailureKind.Usage => ExitCodes.UsageError,
                FailureKind.Host => ExitCodes.HostFailure,
                _ => ExitCodes.Invalid,
            };
        }

        await using (session)
        {
            if (json)
            {
                output.WriteLine(session.Startup.ToJson());
            }
            else
            {
                context.Warn(session.Startup.Warnings);
                session.Startup.WriteText(output);
            }

            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C (or the caller's token): the normal way to stop.
            }

            await session.StopAsync();
        }

        output.WriteLine(json ? ServeStartup.StoppedJson() : "Stopped.");
        return ExitCodes.Success;
    }
}
