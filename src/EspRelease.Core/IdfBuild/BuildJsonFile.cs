using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;

namespace EspRelease.Core.IdfBuild;

/// <summary>Reads one of the JSON files <c>idf.py build</c> writes, with one typed error for each way it can be wrong.</summary>
internal static class BuildJsonFile
{
    /// <exception cref="EspReleaseException">Missing, not a regular file, unreadable (exit 1), or not the JSON ESP-IDF writes (<see cref="DiagnosticCodes.BuildJsonInvalid"/>).</exception>
    public static T Read<T>(string path, Func<ReadOnlyMemory<byte>, T> parse)
    {
        var bytes = InputFile.ReadAllBytes(path);
        try
        {
            return parse(bytes);
        }
        catch (JsonException e)
        {
            throw new EspReleaseException(DiagnosticCodes.BuildJsonInvalid,
                $"{path}: not the JSON ESP-IDF writes ({e.Message.TrimEnd('.')}). Delete the build directory and run `idf.py build` again.", path);
        }
    }

    /// <summary>
    /// A file path a build JSON file names (relative to the build directory): refused as JSON in the
    /// reader's own words when no file could have that name, so nothing later hands it to the OS.
    /// </summary>
    /// <exception cref="JsonException">The value cannot be a path.</exception>
    public static string FilePath(string value, string member) => InputPath.Problem(value) is { } problem
        ? throw new JsonException($"{member} is {InputPath.Quote(value)}: expected the path of a file in the build directory, but {problem}")
        : value;

    /// <summary>The options ESP-IDF's files need (CMake writes trailing commas in places).</summary>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json) => InputJson.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true });
}
