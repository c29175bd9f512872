using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.Configuration;

/// <summary>
/// <c>esp-release.json</c> at the firmware repository's root: the defaults every command starts from
/// (flags override them). Relative paths are relative to the file. No secrets belong here: the key
/// is a path, and CI passes the key itself in ESP_RELEASE_SIGNING_KEY.
/// </summary>
public sealed record EspReleaseConfig
{
    public const string FileName = "esp-release.json";

    private static readonly string[] _members = ["$schema", "buildDir", "host", "channel", "key", "trustedKeys", "version", "allowNonSemver"];

    /// <summary>The file it was read from; null when there is none.</summary>
    public string? File { get; init; }

    public string? BuildDir { get; init; }

    public string? Host { get; init; }

    public string? Channel { get; init; }

    public string? Key { get; init; }

    public IReadOnlyList<string> TrustedKeys { get; init; } = [];

    public string? Version { get; init; }

    public bool AllowNonSemver { get; init; }

    public static EspReleaseConfig Empty { get; } = new();

    /// <summary>
    /// <paramref name="explicitPath"/> when given; else the nearest esp-release.json from
    /// <paramref name="startDirectory"/> upwards, stopping at the repository root (a folder with .git).
    /// </summary>
    public static EspReleaseConfig Load(string? explicitPath, string startDirectory)
    {
        if (explicitPath is not null)
        {
            return InputFile.Exists(explicitPath)
                ? Read(explicitPath)
                : throw new EspReleaseException(DiagnosticCodes.FileNotFound, $"{explicitPath}: configuration file not found (--config).", explicitPath, FailureKind.Usage);
        }

        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, FileName);
            if (System.IO.File.Exists(candidate))
            {
                return Read(candidate);
            }

            if (Directory.Exists(Path.Combine(dir.FullName, ".git")) || System.IO.File.Exists(Path.Combine(dir.FullName, ".git")))
            {
                break;
            }
        }

        return Empty;
    }

    public static EspReleaseConfig Read(string path)
    {
        var full = Path.GetFullPath(path);
        var baseDir = Path.GetDirectoryName(full)!;
        try
        {
            using var doc = InputJson.Parse(InputFile.ReadAllBytes(full), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw Invalid(full, "the top level is not a JSON object");
            }

            foreach (var member in root.EnumerateObject())
            {
                if (!_members.Contains(member.Name, StringComparer.Ordinal))
                {
                    throw Invalid(full, $"unknown setting {InputPath.Quote(member.Name)} (known: {string.Join(", ", _members.Skip(1))})");
                }
            }

            return new EspReleaseConfig
            {
                File = full,
                BuildDir = PathMember(root, "buildDir", baseDir, full),
                Host = HostMember(root, baseDir, full),
                Channel = StringMember(root, "channel", full),
                Key = PathMember(root, "key", baseDir, full),
                TrustedKeys = root.TryGetProperty("trustedKeys", out var keys)
                    ? keys.ValueKind == JsonValueKind.Array
                        ? keys.EnumerateArray().Select((k, i) => k.ValueKind == JsonValueKind.String ? CheckedPath(k.GetString()!, $"trustedKeys[{i}]", baseDir, full) : throw Invalid(full, "\"trustedKeys\" must be an array of paths")).ToList()
                        : throw Invalid(full, "\"trustedKeys\" must be an array of paths")
                    : [],
                Version = StringMember(root, "version", full),
                AllowNonSemver = root.TryGetProperty("allowNonSemver", out var allow)
                    && (allow.ValueKind is JsonValueKind.True or JsonValueKind.False ? allow.GetBoolean() : throw Invalid(full, "\"allowNonSemver\" must be true or false")),
            };
        }
        catch (JsonException e)
        {
            throw Invalid(full, $"not valid JSON ({e.Message})");
        }
    }

    private static string? StringMember(JsonElement root, string name, string file) =>
        !root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw Invalid(file, $"\"{name}\" must be a string");

    private static string? PathMember(JsonElement root, string name, string baseDir, string file) =>
        StringMember(root, name, file) is { } p ? CheckedPath(p, name, baseDir, file) : null;

    private static string CheckedPath(string value, string member, string baseDir, string file) =>
        InputPath.TryResolve(baseDir, value, out var full, out var problem)
            ? full
            : throw Invalid(file, $"\"{member}\" is {InputPath.Quote(value)}: expected a path (relative to this file), but {problem}");

    // A folder host is a path too: "dir:../site" is relative to the configuration file.
    private static string? HostMember(JsonElement root, string baseDir, string file) => StringMember(root, "host", file) switch
    {
        null => null,
        var h when h.StartsWith("dir:", StringComparison.OrdinalIgnoreCase) => "dir:" + CheckedPath(h[4..], "host", baseDir, file),
        var h when h.Contains("://", StringComparison.Ordinal) => h,
        var h => CheckedPath(h, "host", baseDir, file),
    };

    private static EspReleaseException Invalid(string file, string why) =>
        new(DiagnosticCodes.ConfigInvalid, $"{file}: {why}. See the README's \"esp-release.json\" section.", file, FailureKind.Usage);
}
