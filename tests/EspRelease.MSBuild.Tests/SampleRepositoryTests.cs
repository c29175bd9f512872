using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// templates/mixed-repo, used the way its README says: a copy of it with an idf.py build in
/// firmware/build, the signing key in the environment, `dotnet build service -t:EspReleasePublish`,
/// and the service reading what was published. The package comes from the local feed.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class SampleRepositoryTests(PackageFeed feed) : IDisposable
{
    private const string Version = "1.2.0";

    // The fixture build the firmware stands in for is an ESP32-S2's, and its app file is blink.bin.
    private const string Chip = "esp32s2";
    private const string BuiltApp = "blink.bin";

    // The version the sample's csproj asks for; the test feed may hold another.
    private const string SampleReference = """<PackageReference Include="EspRelease.MSBuild" Version="1.0.0" PrivateAssets="all" />""";

    private static readonly string _sample = Path.Combine(Repo.Root, "templates", "mixed-repo");

    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    [Fact]
    public void Publish_from_the_service_project_releases_the_firmware_beside_it_to_the_folder_host()
    {
        var root = CopySample();
        var project = FirmwareProjectName(root);
        var build = Path.Combine(root, "firmware", "build");
        Directory.Move(BuildDirectoryBuilder.Create(_temp, Version, project: project), build);
        var publicKey = _temp.Combine("signing-key.pub.pem");
        File.WriteAllText(publicKey, _key.PublicKey.ExportPem());
        var environment = PackageFeed.UserEnvironment(root);
        environment[SigningKey.EnvironmentVariable] = _key.ExportPkcs8Pem();

        // As the README says it, from the repository root: the dir: host is relative to the project, not here.
        var (exit, output) = DotnetCli.Run(root, environment, "build", "service", "-t:EspReleasePublish", "-nologo");

        Assert.True(exit == 0, output);
        Assert.Contains($"EspRelease: published {project} {Version} to channel 'stable' (sequence 1,", output, StringComparison.Ordinal);
        var releases = Path.Combine(root, "releases");
        var pointer = Path.Combine(releases, "channels", "stable.jws");
        Assert.True(File.Exists(pointer), $"no {pointer}:\n{output}");
        var firmware = Path.Combine(releases, "releases", project, Version, $"{project}-{Version}-{Chip}.bin");
        Assert.True(File.Exists(firmware), $"no {firmware}:\n{output}");
        Assert.Equal(Sha256(Path.Combine(build, BuiltApp)), Sha256(firmware));
        Assert.All(Binlog.SecretLines(_key), line => Assert.DoesNotContain(line, output, StringComparison.Ordinal));

        // The host, checked by the tool itself the way a device will, with only the public key.
        var (verified, verifyOutput) = DotnetCli.Run(root, null, Repo.ToolAssembly, "verify", "dir:" + releases, "--key", publicKey);
        Assert.True(verified == 0, verifyOutput);
        Assert.Contains($"release:   {project} {Version} for {Chip}, channel stable, sequence 1", verifyOutput, StringComparison.Ordinal);
        Assert.Contains($"key {_key.KeyId}", verifyOutput, StringComparison.Ordinal);

        // Again, from the service's own folder: the same host, already pointing at this release.
        var pointerBytes = File.ReadAllBytes(pointer);
        var (again, againOutput) = DotnetCli.Run(Path.Combine(root, "service"), environment, "build", "-t:EspReleasePublish", "-nologo");

        Assert.True(again == 0, againOutput);
        Assert.Contains($"EspRelease: channel 'stable' already points at {Version}; nothing was written", againOutput, StringComparison.Ordinal);
        Assert.Equal(pointerBytes, File.ReadAllBytes(pointer));
        Assert.Equal(["stable.00000001.jws"], Directory.GetFiles(Path.Combine(releases, "history")).Select(Path.GetFileName));
        Assert.False(Directory.Exists(Path.Combine(root, "service", "releases")), "the dir: host followed the working directory");

        // The backend reads the pointer that was just published.
        var (ran, runOutput) = DotnetCli.Run(root, environment, "run", "--project", "service", "--no-restore");

        Assert.True(ran == 0, runOutput);
        Assert.Contains($"stable: {project} {Version} for {Chip} (sequence 1)", runOutput, StringComparison.Ordinal);
        Assert.Contains($"firmware: {firmware} ({new FileInfo(firmware).Length} bytes, SHA-256 {Sha256(firmware)})", runOutput, StringComparison.Ordinal);

        // Pointing the firmware at the real host, as the README says: into the option the csproj names (EspReleaseUrlOption), the component's.
        const string DeviceUrl = "https://ota.example.com/fleet/channels/stable.jws";
        var (patched, patchOutput) = DotnetCli.Run(root, environment, "build", "service", "-t:EspReleasePatchSdkconfig", $"-p:EspReleaseFirmwareUrl={DeviceUrl}", "-nologo");

        Assert.True(patched == 0, patchOutput);
        Assert.Contains("EspRelease: CONFIG_ESP_RELEASE_OTA_POINTER_URL set in ", patchOutput, StringComparison.Ordinal);
        Assert.Contains($"CONFIG_ESP_RELEASE_OTA_POINTER_URL=\"{DeviceUrl}\"\n", File.ReadAllText(Path.Combine(root, "firmware", "sdkconfig.defaults")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_sample_does_not_take_this_repositorys_build_settings()
    {
        // Evaluated where it lies, inside this repository: without its own Directory.*.props it would get
        // central package management (NU1008 on its versioned PackageReference) and warnings as errors.
        var (exit, output) = DotnetCli.Run(_sample, null, "msbuild", Path.Combine("service", "DeviceService.csproj"), "-nologo",
            "-getProperty:ManagePackageVersionsCentrally", "-getProperty:TreatWarningsAsErrors", "-getProperty:RepoRoot");

        Assert.True(exit == 0, output);
        var properties = JsonDocument.Parse(output).RootElement.GetProperty("Properties");
        Assert.Equal("false", properties.GetProperty("ManagePackageVersionsCentrally").GetString());
        Assert.NotEqual("true", properties.GetProperty("TreatWarningsAsErrors").GetString());
        Assert.Equal("", properties.GetProperty("RepoRoot").GetString());
    }

    public void Dispose() => _temp.Dispose();

    // A fresh clone: the sample without anything its .gitignore keeps out, restoring from the test feed only.
    private string CopySample()
    {
        var root = _temp.CopyTree(_sample, "mixed-repo");
        foreach (var ignored in new[] { "releases", "firmware/build", "service/bin", "service/obj" })
        {
            if (Directory.Exists(Path.Combine(root, ignored)))
            {
                Directory.Delete(Path.Combine(root, ignored), recursive: true);
            }
        }

        feed.Isolate(root);
        var csproj = Path.Combine(root, "service", "DeviceService.csproj");
        var text = File.ReadAllText(csproj);
        Assert.Contains(SampleReference, text, StringComparison.Ordinal);
        File.WriteAllText(csproj, text.Replace("Version=\"1.0.0\"", $"Version=\"{feed.Version}\"", StringComparison.Ordinal));
        return root;
    }

    // What idf.py would name the build: project(<name>) in the firmware's CMakeLists.txt.
    private static string FirmwareProjectName(string root)
    {
        var match = ProjectCall().Match(File.ReadAllText(Path.Combine(root, "firmware", "CMakeLists.txt")));
        Assert.True(match.Success, "no project(<name>) in firmware/CMakeLists.txt");
        return match.Groups["name"].Value;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [GeneratedRegex(@"^\s*project\((?<name>[A-Za-z0-9_.+-]+)\)", RegexOptions.Multiline)]
    private static partial Regex ProjectCall();
}
