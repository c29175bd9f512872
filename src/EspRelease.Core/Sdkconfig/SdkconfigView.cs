using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Sdkconfig;

/// <summary>Where an effective value comes from.</summary>
public enum SdkconfigSource
{
    /// <summary>The project's <c>sdkconfig</c>.</summary>
    Sdkconfig,

    /// <summary><c>sdkconfig.defaults</c> (or its per-target <c>sdkconfig.defaults.&lt;target&gt;</c>).</summary>
    Defaults,

    /// <summary>The <c>default</c> in the project's Kconfig file (set in neither file).</summary>
    Kconfig,

    /// <summary><c>build/config/sdkconfig.json</c>: what the build actually used.</summary>
    Build,
}

/// <summary>One option's effective value and where it comes from.</summary>
/// <param name="Name">The option name without <c>CONFIG_</c>.</param>
/// <param name="Value">The value.</param>
/// <param name="Source">Which file decides it.</param>
/// <param name="File">That file's path.</param>
/// <param name="Line">The 1-based line, when known.</param>
/// <param name="WrittenAs">The name as written there (an old name from sdkconfig.rename, e.g. OTA_ALLOW_HTTP), when it differs.</param>
/// <param name="IsDefault">A <c># default:</c>-marked value of sdkconfig (a Kconfig default, not the user's).</param>
public sealed record SdkconfigSetting(string Name, SdkconfigValue Value, SdkconfigSource Source, string File, int? Line, string? WrittenAs = null, bool IsDefault = false)
{
    public string FullName => SdkconfigFile.Prefix + Name;

    /// <summary>For messages: "file line N" (with the old name when it was written under one).</summary>
    public string Where
    {
        get
        {
            var at = Line is { } line ? $"{File} line {line}" : File;
            return WrittenAs is null ? at : $"{at}, under its old name {SdkconfigFile.Prefix}{WrittenAs}";
        }
    }
}

/// <summary>
/// The options a build gets: either the project's files merged as kconfgen merges them
/// (<see cref="SdkconfigProject.View"/>), or what a build recorded in <c>config/sdkconfig.json</c>.
/// </summary>
public sealed class SdkconfigView
{
    public SdkconfigView(string description, IReadOnlyList<string> files, IReadOnlyDictionary<string, SdkconfigSetting> settings, IReadOnlyList<KconfigSymbol> symbols)
    {
        Description = description;
        Files = files;
        Settings = settings;
        Symbols = symbols;
    }

    /// <summary>What the view was built from, for messages.</summary>
    public string Description { get; }

    public IReadOnlyList<string> Files { get; }

    public IReadOnlyDictionary<string, SdkconfigSetting> Settings { get; }

    /// <summary>The project's Kconfig symbols, when known (for prompts and the URL option).</summary>
    public IReadOnlyList<KconfigSymbol> Symbols { get; }

    public SdkconfigSetting? Get(string name) => Settings.GetValueOrDefault(SdkconfigFile.NormalizeName(name));

    /// <summary>Reads <c>build/config/sdkconfig.json</c> (spec §5.5: keys without CONFIG_, bools true/false).</summary>
    /// <param name="path">The sdkconfig.json file.</param>
    /// <param name="symbols">The project's Kconfig symbols, when the project is known.</param>
    /// <exception cref="EspReleaseException">Not a JSON object.</exception>
    public static SdkconfigView FromBuildJson(string path, IReadOnlyList<KconfigSymbol> symbols)
    {
        var full = Path.GetFullPath(path);
        try
        {
            using var doc = InputJson.Parse(InputFile.ReadAllBytes(full));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new JsonException("the top level is not a JSON object");
            }

            var settings = new Dictionary<string, SdkconfigSetting>(StringComparer.Ordinal);
            foreach (var member in doc.RootElement.EnumerateObject())
            {
                var name = member.Name.StartsWith(SdkconfigFile.Prefix, StringComparison.Ordinal) ? member.Name[SdkconfigFile.Prefix.Length..] : member.Name;
                settings[name] = new SdkconfigSetting(name, SdkconfigValue.FromJson(member.Value), SdkconfigSource.Build, full, null);
            }

            return new SdkconfigView(full, [full], settings, symbols);
        }
        catch (JsonException e)
        {
            throw new EspReleaseException(DiagnosticCodes.SdkconfigInvalid,
                $"{full}: expected the JSON object ESP-IDF writes (option names without CONFIG_ and their values), found invalid JSON ({e.Message}). Delete the build's config/ folder and run `idf.py build` again.", full);
        }
    }
}
