namespace EspRelease.Core.Sdkconfig;

/// <summary>One assignment in an sdkconfig-format file.</summary>
/// <param name="Name">The option name without the <c>CONFIG_</c> prefix.</param>
/// <param name="Value">The value (a <c># CONFIG_X is not set</c> line is the bool n).</param>
/// <param name="Line">1-based line number.</param>
/// <param name="IsDefault">
/// A <c># default:</c> line stands directly above it (ESP-IDF 6.x): the value is a Kconfig default, not
/// set by the user, and a defaults file overrides it.
/// </param>
/// <param name="InDeprecatedBlock">
/// It sits between <c># Deprecated options for backward compatibility</c> and <c># End of deprecated options</c>:
/// an old name mirroring a new option, ignored by kconfgen on load.
/// </param>
public sealed record SdkconfigEntry(string Name, SdkconfigValue Value, int Line, bool IsDefault, bool InDeprecatedBlock)
{
    public string FullName => SdkconfigFile.Prefix + Name;
}

/// <summary>What <see cref="SdkconfigFile.Set"/> did.</summary>
public enum SdkconfigChangeKind
{
    /// <summary>The option already had exactly that line; nothing changed.</summary>
    Unchanged,

    /// <summary>The existing line was replaced in place.</summary>
    Replaced,

    /// <summary>The option was absent; a line was added at the end of the file.</summary>
    Appended,
}

/// <summary>The result of setting one option in one file.</summary>
/// <param name="Name">The option name without the prefix.</param>
/// <param name="Previous">The value before (null when the option was absent).</param>
/// <param name="Value">The value now.</param>
/// <param name="Kind">Replaced, appended, or unchanged.</param>
/// <param name="Line">The 1-based line that now holds the option.</param>
/// <param name="RemovedDefaultMarker">A <c># default:</c> line above it was removed (the value is now user-set).</param>
public sealed record SdkconfigChange(string Name, SdkconfigValue? Previous, SdkconfigValue Value, SdkconfigChangeKind Kind, int Line, bool RemovedDefaultMarker);
