using System.Text;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;

namespace EspRelease.Core.Versioning;

/// <summary>
/// The rules a release's version must meet: ESP-IDF must not have lost it, CI's expectation must
/// hold, and against the channel's current release it must move forward without breaking devices
/// (anti-rollback <c>secure_version</c> only rises, and never past the chip's eFuse field).
/// </summary>
public static class VersionRules
{
    /// <summary>The descriptor's version field is 32 bytes, NUL-terminated: 31 are kept.</summary>
    public const int MaxVersionBytes = 31;

    private const string HowToSetVersion = "Set the version before `idf.py build`: `set(PROJECT_VER \"1.2.3\")` in the project's CMakeLists.txt, a version.txt in the project directory, or a git tag";

    /// <summary>Refuses versions ESP-IDF would lose or that say the build could not find its version.</summary>
    /// <param name="version">The version to check (descriptor value, project_version or --version).</param>
    /// <param name="origin">Where the value came from, for the message (a file path or "--version").</param>
    public static void EnsureKept(string version, string origin)
    {
        var why = version switch
        {
            "" => "is empty",
            "1" => "is \"1\", ESP-IDF's fallback when PROJECT_VER is unset and git could not describe the project",
            _ when version.Contains("HEAD-HASH-NOTFOUND", StringComparison.Ordinal) => $"is \"{version}\": git found no commit when the project was built",
            _ when Encoding.UTF8.GetByteCount(version) > MaxVersionBytes =>
                $"is \"{version}\", {Encoding.UTF8.GetByteCount(version)} bytes; the app descriptor keeps {MaxVersionBytes}, so devices would see \"{Truncate(version)}\"",
            _ => null,
        };

        if (why is not null)
        {
            throw new EspReleaseException(DiagnosticCodes.VersionLost, $"{origin}: the version {why}. {HowToSetVersion}, at most {MaxVersionBytes} characters, then rebuild.", origin);
        }
    }

    /// <summary>Refuses when CI expected another version than the image holds.</summary>
    public static void EnsureExpected(ReleaseVersion actual, string? expected, string imageFile)
    {
        if (expected is null || IsNone(expected) || actual.Matches(expected))
        {
            return;
        }

        throw new EspReleaseException(DiagnosticCodes.VersionNotExpected,
            $"{imageFile}: the image's version is \"{actual.Text}\" but \"{expected}\" was expected (--version or esp-release.json). {HowToSetVersion} (e.g. `PROJECT_VER={expected}`), run `idf.py build` again, then pack.", imageFile);
    }

    /// <summary><c>--version none</c>: no check (what turns off the MSBuild targets' default, <c>auto</c>).</summary>
    public static bool IsNone(string expected) => string.Equals(expected, "none", StringComparison.OrdinalIgnoreCase);

    /// <summary>Non-semver versions cannot be ordered: refused unless the caller allowed them, then a loud warning.</summary>
    public static Diagnostic? EnsureOrderable(ReleaseVersion version, bool allowNonSemver, string imageFile)
    {
        if (version.IsSemantic)
        {
            return null;
        }

        if (!allowNonSemver)
        {
            throw new EspReleaseException(DiagnosticCodes.VersionNotSemver,
                $"{imageFile}: the version \"{version.Text}\" is not a semantic version (like 1.2.3, v1.2.3-rc.1, or git describe's v1.2.3-4-gabc1234), so esp-release cannot tell whether it is newer than the channel's. Tag the project with a semver tag (or set PROJECT_VER) and rebuild, or pass --allow-non-semver to release it without ordering checks.", imageFile);
        }

        return new Diagnostic(DiagnosticCodes.OrderingSkipped, Severity.Warning,
            $"{imageFile}: the version \"{version.Text}\" is not semver; --allow-non-semver is set, so esp-release does NOT check that it is newer than the channel's current release.", imageFile);
    }

    /// <summary>Refuses a <c>secure_version</c> beyond the chip's anti-rollback eFuse field.</summary>
    /// <param name="secureVersion">The image's secure_version.</param>
    /// <param name="chip">The chip, whose field width is the default.</param>
    /// <param name="imageFile">The image, for the message.</param>
    /// <param name="configuredBits">CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD when the build's sdkconfig sets it (it can only narrow the field).</param>
    public static void EnsureSecureVersionFits(uint secureVersion, ChipInfo chip, string imageFile, int? configuredBits = null)
    {
        var bits = configuredBits is { } c && c > 0 && c < chip.SecureVersionEfuseBits ? c : chip.SecureVersionEfuseBits;
        if (secureVersion > (uint)bits)
        {
            var field = bits == chip.SecureVersionEfuseBits ? $"the {chip.Name}'s anti-rollback eFuse field holds at most {bits}" : $"CONFIG_BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD={bits} in the build's sdkconfig allows at most {bits}";
            throw new EspReleaseException(DiagnosticCodes.SecureVersionBeyondEfuse,
                $"{imageFile}: secure_version is {secureVersion}, but {field}; esp_efuse_update_secure_version would fail and the device could never confirm this app. Lower CONFIG_BOOTLOADER_APP_SECURE_VERSION (each step burns one eFuse bit for good).", imageFile);
        }
    }

    /// <summary>
    /// The checks against the release a channel points to now. Returns warnings; throws on a
    /// refusal. <paramref name="orderChecked"/> is false when the versions cannot be ordered.
    /// </summary>
    public static IReadOnlyList<Diagnostic> EnsureMovesForward(
        ReleaseVersion next, uint nextSecureVersion, ReleaseVersion current, uint currentSecureVersion,
        ChipInfo chip, string channel, bool allowNonSemver, bool orderChecked = true)
    {
        var warnings = new List<Diagnostic>();
        var where = $"channel '{channel}'";
        if (orderChecked)
        {
            var order = next.CompareTo(current);
            if (order is null)
            {
                var nonSemver = next.IsSemantic ? current : next;
                if (!allowNonSemver)
                {
                    throw new EspReleaseException(DiagnosticCodes.VersionNotSemver,
                        $"{where}: cannot order \"{next.Text}\" after \"{current.Text}\": \"{nonSemver.Text}\" is not a semantic version. Use semver versions, or pass --allow-non-semver to skip ordering checks.");
                }

                warnings.Add(new Diagnostic(DiagnosticCodes.OrderingSkipped, Severity.Warning,
                    $"{where}: \"{nonSemver.Text}\" is not semver; --allow-non-semver is set, so NO check was made that \"{next.Text}\" is newer than \"{current.Text}\"."));
            }
            else if (order <= 0)
            {
                throw new EspReleaseException(DiagnosticCodes.VersionNotNewer,
                    $"{where}: the new version \"{next.Text}\" is not newer than the current release \"{current.Text}\"; devices would stay on (or go back to) an older build. Raise PROJECT_VER (or tag a newer version) and rebuild. To go back on purpose, use `esp-release rollback`.");
            }
        }

        if (nextSecureVersion < currentSecureVersion)
        {
            throw new EspReleaseException(DiagnosticCodes.SecureVersionDecreased,
                $"{where}: secure_version {nextSecureVersion} is lower than the current release's {currentSecureVersion}. Devices that ran \"{current.Text}\" have burned their anti-rollback eFuse to {currentSecureVersion}; esp_https_ota_finish would fail with ESP_ERR_OTA_SMALL_SEC_VER and erase the downloaded slot. Set CONFIG_BOOTLOADER_APP_SECURE_VERSION to at least {currentSecureVersion} and rebuild.");
        }

        if (nextSecureVersion > currentSecureVersion)
        {
            var left = chip.SecureVersionEfuseBits - (int)nextSecureVersion;
            warnings.Add(new Diagnostic(DiagnosticCodes.SecureVersionIncreased, Severity.Warning,
                $"{where}: secure_version rises from {currentSecureVersion} to {nextSecureVersion}. Each step burns an anti-rollback eFuse bit on every device that confirms this app, for good; {left} of the {chip.Name}'s {chip.SecureVersionEfuseBits} remain after it, and devices can never go back to a release below {nextSecureVersion}."));
        }

        return warnings;
    }

    private static string Truncate(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return Encoding.UTF8.GetString(bytes, 0, MaxVersionBytes);
    }
}
