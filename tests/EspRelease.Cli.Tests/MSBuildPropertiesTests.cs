using EspRelease.Cli.Output;

namespace EspRelease.Cli.Tests;

public sealed class MSBuildPropertiesTests
{
    [Theory]
    [InlineData("pass --allow-non-semver to release it", "pass --allow-non-semver (MSBuild: EspReleaseAllowNonSemver=true) to release it")]
    [InlineData("give `--key K` or --key again", "give `--key (MSBuild: EspReleaseKeyFile) K` or --key again")]
    [InlineData("--to \"dir:x\": bad", "--to (MSBuild: EspReleaseHost) \"dir:x\": bad")]
    [InlineData("a --key-file option, a path /tmp/--key and --unknown stay as they are", "a --key-file option, a path /tmp/--key and --unknown stay as they are")]
    public void Options_in_a_fix_get_the_property_that_sets_them(string message, string expected) =>
        Assert.Equal(expected, MSBuildProperties.Annotate(message));
}
