namespace EspRelease.DevServer;

/// <summary>What `esp-release serve` was asked to do, as typed (validated by <see cref="ServeSession.StartAsync"/>).</summary>
public sealed class ServeSettings
{
    /// <summary>The folder to serve; null: the project's build/ folder (needs <see cref="Project"/>).</summary>
    public string? Directory { get; init; }

    /// <summary>An ESP-IDF project to point at this server: its CA file gets the development CA and its URL option the URL.</summary>
    public string? Project { get; init; }

    /// <summary>The served file the URL names (relative to the folder); null: chosen as <see cref="ServeSession"/> documents.</summary>
    public string? File { get; init; }

    /// <summary>The project's URL option (with or without CONFIG_); null: found in its Kconfig.projbuild.</summary>
    public string? UrlOption { get; init; }

    public int Port { get; init; } = DevServer.DefaultPort;

    /// <summary>Addresses to listen on; empty: every address, IPv4 and IPv6 on one socket.</summary>
    public IReadOnlyList<string> Bind { get; init; } = [];

    /// <summary>More names or addresses for the server certificate.</summary>
    public IReadOnlyList<string> Hosts { get; init; } = [];

    /// <summary>Where the development CA lives.</summary>
    public required string CaDirectory { get; init; }

    /// <summary>Validity of the server certificate issued at start.</summary>
    public TimeSpan CertificateValidity { get; init; } = TimeSpan.FromDays(397);
}
