using System.Globalization;
using System.Text.RegularExpressions;
using EspRelease.Core.IO;

namespace EspRelease.Core.Doctor;

/// <summary>A SAS token the firmware's C code sends in a request header instead of the URL.</summary>
/// <param name="File">The source file.</param>
/// <param name="Line">The line of the esp_http_client_set_header call.</param>
/// <param name="Header">The header's name.</param>
/// <param name="Value">The header's value as written (the token may follow "SharedAccessSignature ").</param>
public sealed record SasHeader(string File, int Line, string Header, string Value)
{
    /// <summary>The SAS query itself (sv=…&amp;sig=…), without the scheme word.</summary>
    public string Token => Value.StartsWith("SharedAccessSignature", StringComparison.OrdinalIgnoreCase) ? Value["SharedAccessSignature".Length..].Trim() : Value.Trim();
}

/// <summary>
/// The firmware's own C sources (main/ and the project's components/): what the firmware does that no
/// configuration file says (the headers it sets, the transmit buffer it asks for).
/// </summary>
internal sealed partial class ProjectSources
{
    // Where a project keeps its own code (ESP-IDF components outside the project are not its doing).
    private static readonly string[] _codeFolders = ["main", "components"];

    private readonly IReadOnlyList<(string Path, string Text)> _files;

    private ProjectSources(IReadOnlyList<(string Path, string Text)> files) => _files = files;

    public static ProjectSources None { get; } = new([]);

    public int Count => _files.Count;

    public static ProjectSources Load(string projectDir)
    {
        var files = new List<(string, string)>();
        foreach (var folder in _codeFolders.Select(f => Path.Combine(projectDir, f)).Where(Directory.Exists))
        {
            foreach (var path in Directory.EnumerateFiles(folder, "*.*", SearchOption.AllDirectories)
                .Where(p => p.EndsWith(".c", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".cpp", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".h", StringComparison.OrdinalIgnoreCase))
                .Order(StringComparer.Ordinal))
            {
                files.Add((path, InputFile.ReadAllText(path)));
            }
        }

        return new ProjectSources(files);
    }

    /// <summary>Every esp_http_client_set_header call whose value is a SAS (the SharedAccessSignature scheme, or a query with sig=).</summary>
    public IReadOnlyList<SasHeader> SasHeaders() =>
        [.. _files.SelectMany(f => SetHeader().Matches(f.Text)
            .Where(m => IsSas(m.Groups["value"].Value))
            .Select(m => new SasHeader(f.Path, LineOf(f.Text, m.Index), m.Groups["name"].Value, m.Groups["value"].Value)))];

    /// <summary>The buffer_size_tx the firmware sets, and where; null when it keeps esp_http_client's default.</summary>
    public (int Size, string File, int Line)? BufferSizeTx()
    {
        foreach (var (path, text) in _files)
        {
            if (BufferSize().Match(text) is { Success: true } m)
            {
                return (int.Parse(m.Groups["size"].Value, CultureInfo.InvariantCulture), path, LineOf(text, m.Index));
            }
        }

        return null;
    }

    /// <summary>Where the firmware sets skip_cert_common_name_check = true.</summary>
    public IReadOnlyList<(string File, int Line)> SkipCommonNameChecks() =>
        [.. _files.SelectMany(f => SkipCn().Matches(f.Text).Select(m => (f.Path, LineOf(f.Text, m.Index))))];

    private static bool IsSas(string value) =>
        value.StartsWith("SharedAccessSignature", StringComparison.OrdinalIgnoreCase)
        || (value.Contains("sig=", StringComparison.Ordinal) && (value.Contains("sv=", StringComparison.Ordinal) || value.Contains("se=", StringComparison.Ordinal)));

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex("""esp_http_client_set_header\s*\(\s*[^,]+,\s*"(?<name>[^"]+)"\s*,\s*"(?<value>[^"]*)"\s*\)""", RegexOptions.CultureInvariant)]
    private static partial Regex SetHeader();

    [GeneratedRegex(@"\.skip_cert_common_name_check\s*=\s*true", RegexOptions.CultureInvariant)]
    private static partial Regex SkipCn();

    [GeneratedRegex(@"\.buffer_size_tx\s*=\s*(?<size>\d+)", RegexOptions.CultureInvariant)]
    private static partial Regex BufferSize();
}
