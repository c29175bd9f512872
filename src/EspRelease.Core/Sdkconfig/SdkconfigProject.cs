using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Sdkconfig;

/// <summary>
/// An ESP-IDF project directory's configuration: <c>sdkconfig</c>, <c>sdkconfig.defaults</c> (plus
/// <c>sdkconfig.defaults.&lt;target&gt;</c> for the target sdkconfig names) and the project's Kconfig files.
/// Effective values follow kconfgen's load order (spec §6.3): Kconfig default, then the defaults
/// files, then sdkconfig, whose values win unless marked <c># default:</c>.
/// </summary>
public sealed class SdkconfigProject
{
    public const string SdkconfigFileName = "sdkconfig";
    public const string DefaultsFileName = "sdkconfig.defaults";

    // sdkconfig.rename entries for the options esp-release checks (old name -> new name).
    private static readonly (string Old, string New)[] _renames =
    [
        ("OTA_ALLOW_HTTP", "ESP_HTTPS_OTA_ALLOW_HTTP"),
        ("APP_ROLLBACK_ENABLE", "BOOTLOADER_APP_ROLLBACK_ENABLE"),
        ("APP_ANTI_ROLLBACK", "BOOTLOADER_APP_ANTI_ROLLBACK"),
        ("APP_SECURE_VERSION", "BOOTLOADER_APP_SECURE_VERSION"),
    ];

    private static readonly string[] _kconfigNames = ["Kconfig.projbuild", "Kconfig"];

    private IReadOnlyList<KconfigSymbol>? _symbols;

    private SdkconfigProject(string directory)
    {
        Directory = directory;
        Sdkconfig = File.Exists(SdkconfigPath) ? SdkconfigFile.Load(SdkconfigPath) : null;
        Defaults = File.Exists(DefaultsPath) ? SdkconfigFile.Load(DefaultsPath) : null;
        var target = Sdkconfig?.Get("IDF_TARGET") is { Kind: SdkconfigValueKind.Text } t ? t.Text : null;
        var targetDefaults = target is null ? null : Path.Combine(directory, $"{DefaultsFileName}.{target}");
        TargetDefaults = targetDefaults is not null && File.Exists(targetDefaults) ? SdkconfigFile.Load(targetDefaults) : null;
        KconfigFiles = FindKconfigFiles(directory);
    }

    /// <summary>The project directory (full path).</summary>
    public string Directory { get; }

    public string SdkconfigPath => Path.Combine(Directory, SdkconfigFileName);

    public string DefaultsPath => Path.Combine(Directory, DefaultsFileName);

    /// <summary>Where the project's own options are normally defined.</summary>
    public string MainKconfigPath => Path.Combine(Directory, "main", "Kconfig.projbuild");

    /// <summary>The project's <c>sdkconfig</c>; null when there is none (fresh clone, CI).</summary>
    public SdkconfigFile? Sdkconfig { get; }

    /// <summary>The project's <c>sdkconfig.defaults</c>; null when there is none.</summary>
    public SdkconfigFile? Defaults { get; }

    /// <summary><c>sdkconfig.defaults.&lt;target&gt;</c> for the target sdkconfig names, when it exists (loaded after sdkconfig.defaults).</summary>
    public SdkconfigFile? TargetDefaults { get; }

    /// <summary>main/Kconfig.projbuild, main/Kconfig and components/*/Kconfig(.projbuild) that exist.</summary>
    public IReadOnlyList<string> KconfigFiles { get; }

    public IReadOnlyList<KconfigSymbol> Symbols => _symbols ??= KconfigFiles.SelectMany(KconfigFile.Read).ToList();

    /// <summary>True when the folder has any sign of an ESP-IDF project (CMakeLists.txt, main/, sdkconfig, sdkconfig.defaults).</summary>
    public static bool LooksLikeProject(string directory) =>
        System.IO.Directory.Exists(directory)
        && (File.Exists(Path.Combine(directory, "CMakeLists.txt")) || System.IO.Directory.Exists(Path.Combine(directory, "main"))
            || File.Exists(Path.Combine(directory, SdkconfigFileName)) || File.Exists(Path.Combine(directory, DefaultsFileName)));

    /// <summary>Opens a project directory (the one holding sdkconfig, sdkconfig.defaults and main/).</summary>
    /// <exception cref="EspReleaseException">The folder is not an ESP-IDF project (usage).</exception>
    public static SdkconfigProject Open(string directory)
    {
        var full = Path.GetFullPath(directory);
        if (!LooksLikeProject(full))
        {
            throw new EspReleaseException(DiagnosticCodes.IdfProjectNotFound,
                $"{full}: expected an ESP-IDF project directory (with CMakeLists.txt, main/, sdkconfig or sdkconfig.defaults), found none of them. Run the command in the project directory or pass it with --project DIR.",
                full, FailureKind.Usage);
        }

        return new SdkconfigProject(full);
    }

    /// <summary>Opens a directory without checking that it looks like a project (the pack guard's parent of build/).</summary>
    public static SdkconfigProject OpenUnchecked(string directory) => new(Path.GetFullPath(directory));

    /// <summary>Options that esp-release must not write: ESP-IDF derives them from the target and IDF version.</summary>
    /// <param name="name">The option name (with or without CONFIG_).</param>
    /// <exception cref="EspReleaseException">The option is one of them (usage).</exception>
    public static void EnsureWritable(string name)
    {
        var key = SdkconfigFile.NormalizeName(name);
        if (key.StartsWith("IDF_TARGET", StringComparison.Ordinal) || key.StartsWith("SOC_", StringComparison.Ordinal) || key == "IDF_INIT_VERSION")
        {
            throw new EspReleaseException(DiagnosticCodes.SdkconfigValueInvalid,
                $"{SdkconfigFile.Prefix}{key} is written by ESP-IDF itself (from the target chip and IDF version) and esp-release does not change it. Use `idf.py set-target <chip>` to change the target.",
                kind: FailureKind.Usage);
        }
    }

    /// <summary>The project's Kconfig definition of an option; null when the project does not define it.</summary>
    public KconfigSymbol? Symbol(string name)
    {
        var key = SdkconfigFile.NormalizeName(name);
        return Symbols.FirstOrDefault(s => s.Name == key && s.Type is not null) ?? Symbols.FirstOrDefault(s => s.Name == key);
    }

    /// <summary>
    /// The value the next build would use, as kconfgen decides it: a user-set value in sdkconfig;
    /// else sdkconfig.defaults.&lt;target&gt;, then sdkconfig.defaults; else a <c># default:</c> value in
    /// sdkconfig; else the default in the project's Kconfig. Null when none of them sets it (the
    /// option then has the default of a Kconfig file outside the project, unknown here).
    /// </summary>
    public SdkconfigSetting? Effective(string name)
    {
        var key = SdkconfigFile.NormalizeName(name);
        var user = Lookup(Sdkconfig, key, SdkconfigSource.Sdkconfig);
        if (user is { IsDefault: false })
        {
            return user;
        }

        var fromDefaults = Lookup(TargetDefaults, key, SdkconfigSource.Defaults) ?? Lookup(Defaults, key, SdkconfigSource.Defaults);
        if (fromDefaults is not null)
        {
            return fromDefaults;
        }

        if (user is not null)
        {
            return user;
        }

        return Symbol(key) is { Default: { } text } symbol && FromKconfig(symbol.Type, text) is { } value
            ? new SdkconfigSetting(key, value, SdkconfigSource.Kconfig, symbol.File, symbol.Line)
            : null;
    }

    /// <summary>
    /// The value a build without <c>sdkconfig</c> (fresh clone, CI) would use: the defaults files, else the
    /// project's Kconfig default. Null when neither sets it.
    /// </summary>
    public SdkconfigSetting? FreshBuild(string name)
    {
        var key = SdkconfigFile.NormalizeName(name);
        return Lookup(TargetDefaults, key, SdkconfigSource.Defaults) ?? Lookup(Defaults, key, SdkconfigSource.Defaults)
            ?? (Symbol(key) is { Default: { } text } symbol && FromKconfig(symbol.Type, text) is { } value
                ? new SdkconfigSetting(key, value, SdkconfigSource.Kconfig, symbol.File, symbol.Line)
                : null);
    }

    /// <summary>Every option the project's files or Kconfig give a value, merged as <see cref="Effective"/> does.</summary>
    public SdkconfigView View()
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var file in new[] { Sdkconfig, Defaults, TargetDefaults })
        {
            foreach (var entry in file?.Entries.Where(e => !e.InDeprecatedBlock) ?? [])
            {
                names.Add(Renamed(entry.Name));
            }
        }

        foreach (var symbol in Symbols)
        {
            names.Add(symbol.Name);
        }

        var settings = new Dictionary<string, SdkconfigSetting>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (Effective(name) is { } setting)
            {
                settings[name] = setting;
            }
        }

        var files = new[] { Sdkconfig, Defaults, TargetDefaults }.Where(f => f is not null).Select(f => f!.Path).ToList();
        var description = Sdkconfig is not null
            ? Defaults is not null ? $"{Sdkconfig.Path} (with {Path.GetFileName(DefaultsPath)} for options it does not set)" : Sdkconfig.Path
            : Defaults is not null ? $"{Defaults.Path} (no sdkconfig yet: a fresh build starts from it)" : $"{Directory} (no sdkconfig or sdkconfig.defaults: Kconfig defaults only)";
        return new SdkconfigView(description, files, settings, Symbols);
    }

    /// <summary>The project's firmware URL option (see <see cref="OtaUrlOption.Find"/>).</summary>
    /// <param name="explicitName">The --option the user gave; null to find it in the Kconfig files.</param>
    public OtaUrlOption FindUrlOption(string? explicitName) =>
        OtaUrlOption.Find(Symbols, KconfigFiles, MainKconfigPath, explicitName);

    /// <summary>
    /// Turns what the user typed into a value of the option's type: the project's Kconfig type if it
    /// defines the option, else the type of the value already in sdkconfig/sdkconfig.defaults, else
    /// y/n is a bool, a decimal number an int, 0x… a hex, anything else a string. A value in double
    /// quotes is always a string (its \" and \\ escapes are read).
    /// </summary>
    /// <param name="name">The option.</param>
    /// <param name="text">The value as typed.</param>
    /// <exception cref="EspReleaseException">The text does not fit the option's type (usage).</exception>
    public SdkconfigValue ParseValue(string name, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var key = SdkconfigFile.NormalizeName(name);
        var symbol = Symbol(key);
        var type = symbol?.Type ?? ExistingType(key);
        var where = symbol is not null ? $" ({symbol.File} line {symbol.Line} declares it {symbol.Type})" : type is not null ? " (its current value has that type)" : "";
        try
        {
            if (text.Length >= 2 && text[0] == '"' && text[^1] == '"' && type is null or "string")
            {
                return SdkconfigValue.OfString(SdkconfigValue.Unescape(text[1..^1]));
            }

            return type switch
            {
                "bool" or "tristate" => text is "y" or "n" ? SdkconfigValue.OfBool(text == "y") : throw new FormatException($"\"{text}\" is not y or n."),
                "string" => SdkconfigValue.OfString(text),
                "int" => SdkconfigValue.OfInt(text),
                "hex" => SdkconfigValue.OfHex(text),
                _ => text is "y" or "n" ? SdkconfigValue.OfBool(text == "y")
                    : SdkconfigValue.FromLiteral(text) is { Kind: SdkconfigValueKind.Number or SdkconfigValueKind.Hex } number ? number
                    : SdkconfigValue.OfString(text),
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new EspReleaseException(DiagnosticCodes.SdkconfigValueInvalid,
                $"{SdkconfigFile.Prefix}{key} is a {type ?? "string"} option{where}: expected {Expected(type)}, found \"{text}\" ({e.Message.TrimEnd('.')}). Pass a value of that type.",
                symbol?.File, FailureKind.Usage);
        }
    }

    /// <summary>The new name of an option renamed in ESP-IDF's sdkconfig.rename files (for the options esp-release checks).</summary>
    public static string Renamed(string name) => _renames.FirstOrDefault(r => r.Old == name).New ?? name;

    private static string Expected(string? type) => type switch
    {
        "bool" or "tristate" => "y or n",
        "int" => "a decimal integer",
        "hex" => "a hex number like 0x1000",
        _ => "text without line breaks",
    };

    private string? ExistingType(string key) =>
        (Lookup(Sdkconfig, key, SdkconfigSource.Sdkconfig) ?? Lookup(Defaults, key, SdkconfigSource.Defaults))?.Value.Kind switch
        {
            SdkconfigValueKind.Bool => "bool",
            SdkconfigValueKind.Text => "string",
            SdkconfigValueKind.Number => "int",
            SdkconfigValueKind.Hex => "hex",
            _ => null,
        };

    private static SdkconfigValue? FromKconfig(string? type, string text)
    {
        try
        {
            return type switch
            {
                "string" => SdkconfigValue.OfString(text),
                "bool" or "tristate" => text is "y" or "n" ? SdkconfigValue.OfBool(text == "y") : null,
                "int" => SdkconfigValue.OfInt(text),
                "hex" => SdkconfigValue.OfHex(text),
                _ => null,
            };
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null; // e.g. `default MBEDTLS_SSL_IN_CONTENT_LEN`: another symbol's value, unknown here
        }
    }

    /// <summary>The option's assignment in one file, also under an old (renamed) name; the later line wins, as on load.</summary>
    /// <param name="file">The file; null gives null.</param>
    /// <param name="name">The option, with or without CONFIG_.</param>
    /// <param name="source">What to record as the setting's source.</param>
    public static SdkconfigSetting? Lookup(SdkconfigFile? file, string name, SdkconfigSource source)
    {
        if (file is null)
        {
            return null;
        }

        var key = SdkconfigFile.NormalizeName(name);

        var entry = file.Entries
            .Where(e => !e.InDeprecatedBlock && (e.Name == key || Renamed(e.Name) == key))
            .LastOrDefault();
        return entry is null
            ? null
            : new SdkconfigSetting(key, entry.Value, source, file.Path, entry.Line, entry.Name == key ? null : entry.Name, entry.IsDefault);
    }

    private static List<string> FindKconfigFiles(string directory)
    {
        var files = new List<string>();
        foreach (var name in _kconfigNames)
        {
            var path = Path.Combine(directory, "main", name);
            if (File.Exists(path))
            {
                files.Add(path);
            }
        }

        var components = Path.Combine(directory, "components");
        if (System.IO.Directory.Exists(components))
        {
            foreach (var component in System.IO.Directory.EnumerateDirectories(components).Order(StringComparer.Ordinal))
            {
                files.AddRange(_kconfigNames.Select(n => Path.Combine(component, n)).Where(File.Exists));
            }
        }

        return files;
    }
}
