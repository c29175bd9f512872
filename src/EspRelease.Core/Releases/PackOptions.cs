using EspRelease.Core.Images.SecureBoot;
using EspRelease.Core.Signing;

namespace EspRelease.Core.Releases;

/// <summary>What <see cref="ReleasePacker"/> needs: the build, where to write, the key, and the expectations to hold it to.</summary>
public sealed record PackOptions
{
    /// <summary>The idf.py build directory (or the project directory holding build/).</summary>
    public required string BuildDirectory { get; init; }

    public required string OutputDirectory { get; init; }

    public required SigningKey Key { get; init; }

    public string Channel { get; init; } = ReleaseNaming.DefaultChannel;

    /// <summary>The version CI expects (--version); null to take the image's.</summary>
    public string? ExpectedVersion { get; init; }

    public bool AllowNonSemver { get; init; }

    /// <summary>Also write a merged flash image and an ESP Web Tools manifest for first programming.</summary>
    public bool Factory { get; init; }

    /// <summary>
    /// Release even when the build's sdkconfig has switches that weaken OTA security (plain HTTP, no
    /// certificate or host-name checks); each becomes a loud warning instead of refusing the release.
    /// </summary>
    public bool AllowInsecure { get; init; }

    /// <summary>
    /// Secure Boot V2 keys to sign the app with before it is hashed, so the manifest names the signed
    /// image (the one devices verify). Empty: the app ships as the build wrote it.
    /// </summary>
    public IReadOnlyList<SecureBootKey> SecureBootKeys { get; init; } = [];

    /// <summary>The manifest's creation time (see <see cref="SourceDateEpoch"/>).</summary>
    public required DateTimeOffset Created { get; init; }
}
