using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Sdkconfig;

/// <summary>The project's option that holds the firmware download URL, and how it was chosen.</summary>
/// <param name="Name">The option name without <c>CONFIG_</c>.</param>
/// <param name="Symbol">Its Kconfig definition; null when given with --option and not defined in the project's Kconfig files.</param>
/// <param name="Candidates">Every string option that looked like a firmware URL.</param>
/// <param name="Warnings">How the choice was made, when it was not obvious.</param>
public sealed partial record OtaUrlOption(string Name, KconfigSymbol? Symbol, IReadOnlyList<KconfigSymbol> Candidates, IReadOnlyList<Diagnostic> Warnings)
{
    /// <summary>
    /// True for an option that looks like a firmware download URL: its name has a URL part (or its
    /// prompt says URL) and its name or prompt says FIRMWARE, FW, OTA, UPGRADE/UPG or UPDATE.
    /// EXAMPLE_FIRMWARE_UPGRADE_URL (simple, advanced) and EXAMPLE_FIRMWARE_UPG_URL (native) both match.
    /// </summary>
    /// <param name="name">The option name (with or without CONFIG_).</param>
    /// <param name="prompt">Its Kconfig prompt, when known.</param>
    public static bool LooksLikeFirmwareUrl(string name, string? prompt)
    {
        ArgumentNullException.ThrowIfNull(name);
        var parts = name.ToUpperInvariant().Split('_');
        string[] words = prompt is null ? [] : Words().Matches(prompt.ToUpperInvariant()).Select(m => m.Value).ToArray();
        var url = parts.Contains("URL") || words.Contains("URL");
        string[] firmware = ["FIRMWARE", "FW", "OTA", "UPGRADE", "UPG", "UPDATE"];
        return url && (parts.Any(firmware.Contains) || words.Any(firmware.Contains));
    }

    /// <summary>
    /// Finds the URL option among <paramref name="symbols"/>: string options that
    /// <see cref="LooksLikeFirmwareUrl"/>; with several, the one whose name contains FIRMWARE_UPG.
    /// </summary>
    /// <param name="symbols">The project's Kconfig symbols.</param>
    /// <param name="kconfigFiles">The files they came from (named in the error when nothing is found).</param>
    /// <param name="expectedKconfig">Where the option is normally defined (main/Kconfig.projbuild), for messages.</param>
    /// <param name="explicitName">The --option the user gave, which wins (checked for type when Kconfig defines it).</param>
    /// <exception cref="EspReleaseException">No candidate, several equally good ones, or --option names a non-string option.</exception>
    public static OtaUrlOption Find(IReadOnlyList<KconfigSymbol> symbols, IReadOnlyList<string> kconfigFiles, string expectedKconfig, string? explicitName)
    {
        ArgumentNullException.ThrowIfNull(symbols);
        ArgumentNullException.ThrowIfNull(kconfigFiles);
        var candidates = symbols
            .Where(s => s.Type == "string" && LooksLikeFirmwareUrl(s.Name, s.Prompt))
            .DistinctBy(s => s.Name)
            .ToList();
        var searched = kconfigFiles.Count == 0 ? $"{expectedKconfig} (which does not exist)" : string.Join(", ", kconfigFiles);

        if (explicitName is not null)
        {
            var name = SdkconfigFile.NormalizeName(explicitName);
            var symbol = symbols.FirstOrDefault(s => s.Name == name && s.Type is not null) ?? symbols.FirstOrDefault(s => s.Name == name);
            if (symbol is { Type: not null and not "string" })
            {
                throw new EspReleaseException(DiagnosticCodes.OtaUrlOptionNotFound,
                    $"{symbol.File}: line {symbol.Line}: --option {name} is a {symbol.Type} option, but the firmware URL must be a string option. Pass the string option that holds the URL with --option.",
                    symbol.File, FailureKind.Usage);
            }

            IReadOnlyList<Diagnostic> notes = symbol is null
                ? [new Diagnostic(DiagnosticCodes.OptionNotInKconfig, Severity.Warning,
                    $"{SdkconfigFile.Prefix}{name} (--option) is not defined in the project's Kconfig files ({searched}). It is used as given; if it is defined by a component outside the project, that is fine, otherwise kconfgen will drop it on the next build. Check the name.")]
                : [];
            return new OtaUrlOption(name, symbol, candidates, notes);
        }

        if (candidates.Count == 1)
        {
            return new OtaUrlOption(candidates[0].Name, candidates[0], candidates, []);
        }

        if (candidates.Count == 0)
        {
            var file = kconfigFiles.Count > 0 ? kconfigFiles[0] : expectedKconfig;
            throw new EspReleaseException(DiagnosticCodes.OtaUrlOptionNotFound,
                $"{searched}: expected a string option for the firmware URL (a `config` of type string whose name or prompt mentions URL and FIRMWARE, OTA or UPGRADE, like EXAMPLE_FIRMWARE_UPGRADE_URL), found none. Pass the option that holds the URL with --option NAME.",
                file, FailureKind.Usage);
        }

        var preferred = candidates.Where(c => c.Name.Contains("FIRMWARE_UPG", StringComparison.OrdinalIgnoreCase)).ToList();
        var list = string.Join(", ", candidates.Select(c => $"{c.Name} ({Path.GetFileName(c.File)} line {c.Line})"));
        if (preferred.Count == 1)
        {
            var chosen = preferred[0];
            return new OtaUrlOption(chosen.Name, chosen, candidates, [new Diagnostic(DiagnosticCodes.OtaUrlOptionChosen, Severity.Warning,
                $"{chosen.File}: several string options look like the firmware URL ({list}); using {SdkconfigFile.Prefix}{chosen.Name} because its name says FIRMWARE_UPG. Pass --option NAME to use another.", chosen.File)]);
        }

        throw new EspReleaseException(DiagnosticCodes.OtaUrlOptionAmbiguous,
            $"{searched}: expected one string option for the firmware URL, found {candidates.Count}: {list}. Pass the one the firmware downloads from with --option NAME.",
            candidates[0].File, FailureKind.Usage);
    }

    [GeneratedRegex("[A-Z0-9]+")]
    private static partial Regex Words();
}
