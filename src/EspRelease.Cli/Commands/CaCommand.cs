using System.CommandLine;
using EspRelease.Cli.Output;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release ca</c>: the CA file a firmware embeds: fetch the right one, check it against a server, or make a development CA.</summary>
internal sealed class CaCommand : Command
{
    public CaCommand(Option<DiagnosticsFormat> format)
        : base("ca", "The CA file the firmware embeds (server_certs/ca_cert.pem): `fetch` the right root for a URL, `check` a file or a built image against a live server the way mbedtls will, or make a development CA (`dev`).")
    {
        Subcommands.Add(new CaFetchCommand(format));
        Subcommands.Add(new CaCheckCommand(format));
        Subcommands.Add(new CaDevCommand(format));
    }
}
