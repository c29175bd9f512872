namespace EspRelease.Core.IdfBuild;

/// <summary>One consistency check between the files of a build directory.</summary>
public sealed record CrossCheck(string Name, string Expected, string Actual, bool Passed);
