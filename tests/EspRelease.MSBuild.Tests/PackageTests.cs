using System.IO.Compression;
using System.Text.Json;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// The packed nupkg, used the way a user uses it: a temp project restoring from a local feed only,
/// `dotnet add package`, then `dotnet build -t:EspReleasePack` on the simple_ota build.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed class PackageTests(PackageFeed feed) : IDisposable
{
    private const string FixtureSha256 = "a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12";

    // Stand-ins for what CI keeps in secret variables. They must reach the tool, and nothing else.
    private const string AzureAccountKey = "c2VjcmV0LWFjY291bnQta2V5LW5ldmVyLWxvZ2dlZA==";

    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    private string App => _temp.Combine("app");

    private string Firmware => _temp.Combine("firmware", "build", "blink.bin");

    private string ReleaseDir => Path.Combine(App, "bin", "Debug", "net10.0", "esp-release");

    [Fact]
    public void Pack_through_the_package_writes_a_release_that_verifies_and_keeps_secrets_out_of_logs()
    {
        CreateUserProject();
        var binlog = _temp.Combine("pack.binlog");

        var (exit, output) = Build("-t:EspReleasePack", "-v:diag", $"-bl:{binlog}");

        Assert.True(exit == 0, output);
        var release = ReleaseDirectory.Load(ReleaseDir, [_key.PublicKey]);
        Assert.Equal("blink", release.Manifest.Project);
        Assert.Equal(FixtureSha256, release.Manifest.Firmware.Sha256);
        Assert.Equal(_key.KeyId, release.KeyId);
        var report = ReleaseVerifier.VerifyLocal(ReleaseDir, [_key.PublicKey]);
        Assert.True(report.Firmware.Valid);
        Assert.Contains($"EspRelease: blink {release.Manifest.Version} for esp32s2 packed in {ReleaseDir}", output, StringComparison.Ordinal);

        // The key came from the environment (the release is signed with it), yet neither it nor the
        // Azure account key appears in the diagnostic log or the binlog (events and embedded files).
        // The search itself can find things: the embedded project file, and a result in the events.
        Assert.True(Binlog.Contains(binlog, "<EspReleaseAllowNonSemver>true</EspReleaseAllowNonSemver>"));
        Assert.True(Binlog.Contains(binlog, FixtureSha256));
        foreach (var secret in Secrets())
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
            Assert.False(Binlog.Contains(binlog, secret), $"the binlog holds a secret ({secret[..8]}…)");
        }
    }

    [Fact]
    public void The_package_holds_the_targets_the_task_assembly_and_the_tool_and_nothing_for_the_consumer()
    {
        using var package = ZipFile.OpenRead(feed.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);

        Assert.Contains("build/EspRelease.MSBuild.props", entries);
        Assert.Contains("build/EspRelease.MSBuild.targets", entries);
        Assert.Contains("buildTransitive/EspRelease.MSBuild.props", entries);
        Assert.Contains("buildTransitive/EspRelease.MSBuild.targets", entries);
        Assert.Equal(["tasks/netstandard2.0/EspRelease.MSBuild.dll"], entries.Where(e => e.StartsWith("tasks/", StringComparison.Ordinal)));
        foreach (var tool in new[] { "esp-release.dll", "esp-release.runtimeconfig.json", "esp-release.deps.json", "EspRelease.Core.dll", "BouncyCastle.Cryptography.dll", "Azure.Storage.Blobs.dll" })
        {
            Assert.Contains("tools/net10.0/" + tool, entries);
        }

        // Nothing reaches the consumer's compile or output (no lib/), no API docs ride along, and no dependency is dragged in.
        Assert.DoesNotContain(entries, e => e.StartsWith("lib/", StringComparison.Ordinal) || (e.StartsWith("tools/", StringComparison.Ordinal) && e.EndsWith(".xml", StringComparison.Ordinal)));
        using var nuspec = new StreamReader(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
        var metadata = System.Xml.Linq.XDocument.Parse(nuspec.ReadToEnd()).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        Assert.Equal("true", metadata.Elements().Single(e => e.Name.LocalName == "developmentDependency").Value);
        Assert.DoesNotContain(metadata.Descendants(), e => e.Name.LocalName == "dependency");
        // The tool runs on the .NET 10 runtime (rolling forward to later majors), with ASP.NET Core for `serve`.
        using var runtimeConfig = JsonDocument.Parse(package.GetEntry("tools/net10.0/esp-release.runtimeconfig.json")!.Open());
        Assert.Equal("Major", runtimeConfig.RootElement.GetProperty("runtimeOptions").GetProperty("rollForward").GetString());
    }

    [Fact]
    public void Second_pack_does_no_work_until_an_input_changes()
    {
        CreateUserProject();
        var (first, firstOutput) = Build("-t:EspReleasePack");
        Assert.True(first == 0, firstOutput);
        var manifest = Path.Combine(ReleaseDir, "manifest.jws");
        var written = File.GetLastWriteTimeUtc(manifest);

        var (second, output) = Build("-t:EspReleasePack", "-v:n");

        Assert.True(second == 0, output);
        Assert.Contains("Skipping target \"_EspReleasePackIfChanged\" because all output files are up-to-date", output, StringComparison.Ordinal);
        Assert.DoesNotContain("esp-release.dll", output, StringComparison.Ordinal);
        Assert.Equal(written, File.GetLastWriteTimeUtc(manifest));
        // Skipped, yet the results still come back.
        Assert.Contains($"SHA-256 {FixtureSha256}", output, StringComparison.Ordinal);

        // A rebuilt firmware (same bytes, newer file) is packed again.
        File.SetLastWriteTimeUtc(Firmware, DateTime.UtcNow.AddSeconds(5));
        var (third, thirdOutput) = Build("-t:EspReleasePack", "-v:n");
        Assert.True(third == 0, thirdOutput);
        Assert.DoesNotContain("Skipping target \"_EspReleasePackIfChanged\"", thirdOutput, StringComparison.Ordinal);
        Assert.Contains("esp-release.dll", thirdOutput, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupted_image_fails_the_build_with_the_code_and_the_file()
    {
        CreateUserProject();
        using (var image = File.Open(Firmware, FileMode.Open))
        {
            image.Position = 5000;
            var b = image.ReadByte();
            image.Position = 5000;
            image.WriteByte((byte)(b ^ 0xFF));
        }

        var (exit, output) = Build("-t:EspReleasePack");

        Assert.NotEqual(0, exit);
        Assert.Contains($"{Firmware} : error ESPR1108: ", output, StringComparison.Ordinal);
        // The tool's own error is the build error: no generic "exited with code" on top of it.
        Assert.DoesNotContain("MSB6006", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ESPR1053", output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(ReleaseDir, "manifest.jws")));
    }

    [Fact]
    public void MSBuild_properties_agree_with_the_command_line_tool()
    {
        CreateUserProject();

        var (exit, output) = Build("-t:EspReleasePack", "-getProperty:EspReleaseReleaseVersion", "-getProperty:EspReleaseFirmwareSha256", "-getProperty:EspReleaseReleaseDir");
        var (cliExit, cliOutput) = DotnetCli.Run(_temp.Path, null, Repo.ToolAssembly, "inspect", Path.GetDirectoryName(Firmware)!, "--json");

        Assert.True(exit == 0, output);
        Assert.True(cliExit == 0, cliOutput);
        var properties = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement.GetProperty("Properties");
        using var cli = JsonDocument.Parse(cliOutput);
        // inspect --json on a build directory describes its app image at the top level.
        Assert.Equal(cli.RootElement.GetProperty("sha256").GetString(), properties.GetProperty("EspReleaseFirmwareSha256").GetString());
        Assert.Equal(cli.RootElement.GetProperty("app").GetProperty("version").GetString(), properties.GetProperty("EspReleaseReleaseVersion").GetString());
        Assert.Equal(Path.GetFullPath(ReleaseDir) + Path.DirectorySeparatorChar, properties.GetProperty("EspReleaseReleaseDir").GetString());
    }

    public void Dispose() => _temp.Dispose();

    // A user's repository: a .NET project in app/, the idf.py build in firmware/build, the package added with the CLI.
    private void CreateUserProject()
    {
        feed.Isolate(_temp.Path);
        _temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("firmware", "build"));
        Directory.CreateDirectory(App);
        File.WriteAllText(Path.Combine(App, "app.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <EspReleaseProjectDir>../firmware</EspReleaseProjectDir>
                <!-- The fixture's version is a plain git describe of a non-semver tag. -->
                <EspReleaseAllowNonSemver>true</EspReleaseAllowNonSemver>
                <!-- The signing key comes from ESP_RELEASE_SIGNING_KEY in the environment, never from here. -->
              </PropertyGroup>
            </Project>
            """);

        var (exit, output) = DotnetCli.Run(App, Environment(), "add", "package", PackageFeed.PackageId, "--version", feed.Version);
        Assert.True(exit == 0, output);
        Assert.Contains($"Include=\"{PackageFeed.PackageId}\"", File.ReadAllText(Path.Combine(App, "app.csproj")), StringComparison.Ordinal);
    }

    private (int Exit, string Output) Build(params string[] args) =>
        DotnetCli.Run(App, Environment(), ["build", "-nologo", "-nodeReuse:false", .. args]);

    private Dictionary<string, string?> Environment()
    {
        var environment = PackageFeed.UserEnvironment(_temp.Path);
        environment[SigningKey.EnvironmentVariable] = _key.ExportPkcs8Pem();
        environment["AZURE_STORAGE_CONNECTION_STRING"] = $"DefaultEndpointsProtocol=https;AccountName=devices;AccountKey={AzureAccountKey};EndpointSuffix=core.windows.net";
        return environment;
    }

    // Every line of the key's base64 body, and the account key: any one of them in a log is a leak.
    private IEnumerable<string> Secrets() => Binlog.SecretLines(_key).Append(AzureAccountKey);
}
