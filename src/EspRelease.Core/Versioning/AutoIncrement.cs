namespace EspRelease.Core.Versioning;

/// <summary>Which part of an RTM tag's version rises for the commits after it (MinVer's <c>--auto-increment</c>).</summary>
public enum AutoIncrement
{
    Patch,
    Minor,
    Major,
}
