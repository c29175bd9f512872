using System.Text.Json;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.IdfBuild;

/// <summary>
/// The parts of <c>project_description.json</c> esp-release uses. Every value in that file is a
/// string (CMake substitution); <c>git_revision</c> is the ESP-IDF version, not the project's.
/// </summary>
public sealed record ProjectDescription(
    string? FormatVersion,
    string ProjectName,
    string? ProjectVersion,
    string Target,
    string AppBin,
    string? BuildType,
    string? IdfVersion,
    string? MinRev,
    string? MaxRev,
    string? ProjectPath = null)
{
    public const string FileName = "project_description.json";

    /// <summary>Reads <paramref name="path"/> (a project_description.json).</summary>
    /// <exception cref="EspReleaseException">Missing, unreadable or not the JSON ESP-IDF writes.</exception>
    public static ProjectDescription Read(string path) => BuildJsonFile.Read(path, Parse);

    /// <exception cref="JsonException">The file is not JSON, lacks a required member, or app_bin cannot be a path.</exception>
    public static ProjectDescription Parse(ReadOnlyMemory<byte> json)
    {
        using var doc = BuildJsonFile.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("the top level is not a JSON object");
        }

        return new ProjectDescription(
            Optional(root, "version"),
            Required(root, "project_name"),
            Optional(root, "project_version"),
            Required(root, "target"),
            BuildJsonFile.FilePath(Required(root, "app_bin"), "\"app_bin\""),
            Optional(root, "build_type"),
            Optional(root, "git_revision"),
            Optional(root, "min_rev"),
            Optional(root, "max_rev"),
            Optional(root, "project_path"));
    }

    internal static string Required(JsonElement obj, string name) =>
        Optional(obj, name) ?? throw new JsonException($"the member \"{name}\" is missing or not a string");

    internal static string? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
