using System.Globalization;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Releases;

/// <summary>
/// The creation time written into manifests: <c>SOURCE_DATE_EPOCH</c> (reproducible-builds.org)
/// when set, so the same build signed with the same key gives byte-identical files; else now.
/// Whole seconds, UTC.
/// </summary>
public static class SourceDateEpoch
{
    public const string VariableName = "SOURCE_DATE_EPOCH";

    public static DateTimeOffset Resolve(Func<string, string?> environment, TimeProvider clock)
    {
        var text = environment(VariableName);
        if (string.IsNullOrWhiteSpace(text))
        {
            return DateTimeOffset.FromUnixTimeSeconds(clock.GetUtcNow().ToUnixTimeSeconds());
        }

        if (!long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253402300799)
        {
            throw new EspReleaseException(DiagnosticCodes.ConfigInvalid,
                $"{VariableName}=\"{text}\": expected whole seconds since 1970-01-01 UTC (e.g. `export {VariableName}=$(git log -1 --format=%ct)`).",
                kind: FailureKind.Usage);
        }

        return DateTimeOffset.FromUnixTimeSeconds(seconds);
    }
}
