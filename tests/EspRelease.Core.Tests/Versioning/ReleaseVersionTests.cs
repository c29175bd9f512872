using EspRelease.Core.Diagnostics;
using EspRelease.Core.Images;
using EspRelease.Core.Versioning;

namespace EspRelease.Core.Tests.Versioning;

public sealed class ReleaseVersionTests
{
    [Theory]
    [InlineData("1.2.3", "1.2.3")]
    [InlineData("v1.2.3", "1.2.3")]
    [InlineData("1.2.3-rc.1", "1.2.3-rc.1")]
    [InlineData("v1.2.3-4-gabc1234", "1.2.4-alpha.0.4+gabc1234")]
    [InlineData("v1.2.3-rc.1-2-gabc1234", "1.2.3-rc.1.2+gabc1234")]
    [InlineData("v1.2.3-4-gabc1234-dirty", "1.2.4-alpha.0.4+gabc1234.dirty")]
    [InlineData("v1.2.3-dirty", "1.2.3+dirty")]
    public void Semver_and_git_describe_forms_are_understood(string text, string semantic)
    {
        var version = ReleaseVersion.Parse(text);

        Assert.Equal(text, version.Text);
        Assert.Equal(semantic, version.Semantic?.ToString());
    }

    [Theory]
    [InlineData("v1.2.3-4-gabc1234", "1.2.3", 1)]
    [InlineData("v1.2.3-4-gabc1234", "1.2.4", -1)]
    [InlineData("v1.2.3-4-gabc1234", "v1.2.3-5-gdef5678", -1)]
    [InlineData("1.2.3-rc.1-2-gabc1234", "1.2.3-rc.1", 1)]
    [InlineData("1.2.3-rc.1-2-gabc1234", "1.2.3-rc.2", -1)]
    [InlineData("1.10.0", "1.9.0", 1)]
    [InlineData("1.2.3+build.5", "1.2.3", 0)]
    public void Ordering_follows_semver_precedence(string a, string b, int sign)
    {
        Assert.Equal(sign, Math.Sign(ReleaseVersion.Parse(a).CompareTo(ReleaseVersion.Parse(b))!.Value));
    }

    [Theory]
    [InlineData("qa-test-v5.0-20220830-4-g4532e6")]
    [InlineData("4532e6e")]
    [InlineData("1.2")]
    public void Non_semver_versions_cannot_be_ordered(string text)
    {
        var version = ReleaseVersion.Parse(text);

        Assert.False(version.IsSemantic);
        Assert.Null(version.CompareTo(ReleaseVersion.Parse("1.0.0")));
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("1", "fallback")]
    [InlineData("v1.0-HEAD-HASH-NOTFOUND", "git found no commit")]
    [InlineData("1.2.3-feature-very-long-branch-name.7", "37 bytes")]
    public void Versions_ESP_IDF_would_lose_are_refused(string version, string why)
    {
        var e = Assert.Throws<EspReleaseException>(() => VersionRules.EnsureKept(version, "build/blink.bin"));

        Assert.Equal(DiagnosticCodes.VersionLost, e.Diagnostic.Code);
        Assert.Contains(why, e.Message, StringComparison.Ordinal);
        Assert.Contains("PROJECT_VER", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("build/blink.bin:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_31_byte_version_is_kept()
    {
        VersionRules.EnsureKept(new string('1', 31), "x");
    }

    [Fact]
    public void Expected_version_ignores_a_leading_v_and_refuses_anything_else()
    {
        VersionRules.EnsureExpected(ReleaseVersion.Parse("1.2.3"), "v1.2.3", "app.bin");
        VersionRules.EnsureExpected(ReleaseVersion.Parse("1.2.3"), null, "app.bin");

        var e = Assert.Throws<EspReleaseException>(() => VersionRules.EnsureExpected(ReleaseVersion.Parse("1.2.3"), "1.2.4", "app.bin"));
        Assert.Equal(DiagnosticCodes.VersionNotExpected, e.Diagnostic.Code);
        Assert.Contains("\"1.2.3\"", e.Message, StringComparison.Ordinal);
        Assert.Contains("PROJECT_VER=1.2.4", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Non_semver_needs_the_flag_and_then_warns()
    {
        var version = ReleaseVersion.Parse("abc1234");

        Assert.Equal(DiagnosticCodes.VersionNotSemver, Assert.Throws<EspReleaseException>(() => VersionRules.EnsureOrderable(version, false, "a.bin")).Diagnostic.Code);
        var warning = VersionRules.EnsureOrderable(version, true, "a.bin");
        Assert.Equal(DiagnosticCodes.OrderingSkipped, warning!.Code);
        Assert.Equal(Severity.Warning, warning.Severity);
        Assert.Null(VersionRules.EnsureOrderable(ReleaseVersion.Parse("1.0.0"), false, "a.bin"));
    }

    [Theory]
    [InlineData("1.0.0", "1.0.0")]
    [InlineData("0.9.0", "1.0.0")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    public void A_release_not_newer_than_the_channel_is_refused(string next, string current)
    {
        var e = Assert.Throws<EspReleaseException>(() => Forward(next, 0, current, 0));

        Assert.Equal(DiagnosticCodes.VersionNotNewer, e.Diagnostic.Code);
        Assert.Contains("rollback", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secure_version_may_not_fall_and_warns_when_it_rises()
    {
        var e = Assert.Throws<EspReleaseException>(() => Forward("1.1.0", 1, "1.0.0", 2));
        Assert.Equal(DiagnosticCodes.SecureVersionDecreased, e.Diagnostic.Code);
        Assert.Contains("ESP_ERR_OTA_SMALL_SEC_VER", e.Message, StringComparison.Ordinal);

        var warnings = Forward("1.1.0", 3, "1.0.0", 2);
        var warning = Assert.Single(warnings);
        Assert.Equal(DiagnosticCodes.SecureVersionIncreased, warning.Code);
        Assert.Contains("13 of the ESP32-S2's 16 remain", warning.Message, StringComparison.Ordinal);

        Assert.Empty(Forward("1.1.0", 2, "1.0.0", 2));
    }

    [Fact]
    public void Unorderable_versions_against_the_channel_need_the_flag()
    {
        Assert.Equal(DiagnosticCodes.VersionNotSemver, Assert.Throws<EspReleaseException>(() => Forward("abc", 0, "1.0.0", 0)).Diagnostic.Code);
        var warning = Assert.Single(Forward("abc", 0, "1.0.0", 0, allowNonSemver: true));
        Assert.Equal(DiagnosticCodes.OrderingSkipped, warning.Code);
    }

    [Theory]
    [InlineData(12, 4u, true)]
    [InlineData(12, 5u, false)]
    [InlineData(0, 32u, true)]
    [InlineData(0, 33u, false)]
    [InlineData(2, 16u, true)]
    [InlineData(2, 17u, false)]
    [InlineData(23, 10u, false)]
    public void Secure_version_must_fit_the_chips_efuse_field(int chipId, uint secureVersion, bool fits)
    {
        var chip = Chips.FromId(chipId)!;
        if (fits)
        {
            VersionRules.EnsureSecureVersionFits(secureVersion, chip, "a.bin");
        }
        else
        {
            var e = Assert.Throws<EspReleaseException>(() => VersionRules.EnsureSecureVersionFits(secureVersion, chip, "a.bin"));
            Assert.Equal(DiagnosticCodes.SecureVersionBeyondEfuse, e.Diagnostic.Code);
            Assert.Contains($"at most {chip.SecureVersionEfuseBits}", e.Message, StringComparison.Ordinal);
        }
    }

    private static IReadOnlyList<Diagnostic> Forward(string next, uint nextSecure, string current, uint currentSecure, bool allowNonSemver = false) =>
        VersionRules.EnsureMovesForward(ReleaseVersion.Parse(next), nextSecure, ReleaseVersion.Parse(current), currentSecure, Chips.Esp32S2, "stable", allowNonSemver);
}
