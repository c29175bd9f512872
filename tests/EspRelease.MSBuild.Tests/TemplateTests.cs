using System.IO.Compression;
using System.Text.RegularExpressions;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.MSBuild.Tests;

/// <summary>
/// templates/EspRelease.Templates.csproj, the `dotnet new` template pack of templates/mixed-repo and
/// templates/esp_release_ota: packed, installed into a throwaway hive (never the user's), instantiated, and
/// the instance released the way its README says, with EspRelease.MSBuild from the test feed.
/// </summary>
[Collection(PackageFeedCollection.Name)]
public sealed partial class TemplateTests(PackageFeed feed) : IDisposable
{
    private const string PackageId = "EspRelease.Templates";
    private const string ShortName = "esp-release-mixed";
    private const string FirmwareVersion = "1.2.0";

    // The fixture build the firmware stands in for is an ESP32-S2's.
    private const string Chip = "esp32s2";

    private static readonly string _templates = Path.Combine(Repo.Root, "templates");
    private static readonly string _component = Path.Combine(_templates, "esp_release_ota");

    // Where esp-release-mixed puts its copy of the component, and the path main/idf_component.yml then names.
    private const string ComponentFolder = "firmware/components/esp_release_ota/";

    // What a working copy of the sample holds after idf.py build, dotnet build and a publish, and a private key:
    // none of it may reach a user through the template (the sample's .gitignore).
    private static readonly string[] _workingCopyOnly =
    [
        "service/bin/Release/net10.0/DeviceService.dll",
        "service/obj/project.assets.json",
        "firmware/build/sensor_node.bin",
        "firmware/managed_components/espressif__mdns/idf_component.yml",
        "firmware/sdkconfig",
        "firmware/sdkconfig.old",
        "firmware/keys/signing-key.pem",
        "releases/channels/stable.jws",
    ];

    private static readonly string[] _workingCopyFolders =
        ["service/bin/", "service/obj/", "firmware/build/", "firmware/managed_components/", "releases/"];

    private readonly TempDirectory _temp = new();
    private readonly SigningKey _key = SigningKey.Generate();

    [Fact]
    public void The_pack_ships_the_sample_with_its_own_version_and_without_what_a_working_copy_adds()
    {
        // A copy of templates/ where the repository root would be, so the pack sees this repository's settings.
        var root = _temp.Combine("checkout");
        feed.Isolate(root);
        File.Copy(Path.Combine(Repo.Root, "Directory.Build.props"), Path.Combine(root, "Directory.Build.props"));
        File.Copy(Path.Combine(Repo.Root, "Directory.Packages.props"), Path.Combine(root, "Directory.Packages.props"));
        var templates = _temp.CopyTree(_templates, Path.Combine("checkout", "templates"));
        var sample = Path.Combine(templates, "mixed-repo");
        foreach (var file in _workingCopyOnly)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(sample, file))!);
            File.WriteAllText(Path.Combine(sample, file), "not for the template");
        }

        // Not the feed's version: the version must come from the pack, not from the sample's csproj.
        const string Version = "9.8.7-template-test";
        var package = Pack(root, Path.Combine(templates, "EspRelease.Templates.csproj"), Version);

        using var zip = ZipFile.OpenRead(package);
        var content = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("content/mixed-repo/", StringComparison.Ordinal))
            .Select(n => n["content/mixed-repo/".Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Empty(content.Intersect(_workingCopyOnly));
        Assert.Equal(SampleFiles(), content);
        var component = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("content/esp_release_ota/", StringComparison.Ordinal))
            .Select(n => n["content/esp_release_ota/".Length..]).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Files(_component), component);
        Assert.DoesNotContain(zip.Entries, e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        Assert.Contains("<packageType name=\"Template\" />", Read(zip, $"{PackageId}.nuspec"), StringComparison.Ordinal);

        // The service project is the sample's, but for the EspRelease.MSBuild version.
        var sampleProject = File.ReadAllText(Path.Combine(_templates, "mixed-repo", "service", "DeviceService.csproj"));
        var expected = MSBuildReference().Replace(sampleProject, $"${{1}}{Version}\"");
        Assert.NotEqual(sampleProject, expected);
        Assert.Equal(expected, Read(zip, "content/mixed-repo/service/DeviceService.csproj"));

        // Installed from the folder instead (`dotnet new install templates`: the sample's template reaches
        // ../esp_release_ota), template.json's own exclusions keep the same files out.
        DotnetNew("install", templates);
        var instance = _temp.Combine("from-folder");
        DotnetNew(ShortName, "-n", "Fleet", "-o", instance, "--no-update-check");
        Assert.Equal(Instance(SampleFiles(), "Fleet"), Files(instance));
    }

    [Fact]
    public void A_repository_made_with_dotnet_new_releases_its_firmware_with_the_package_built_alongside()
    {
        var package = Pack(Repo.Root, Path.Combine(_templates, "EspRelease.Templates.csproj"), feed.Version);
        DotnetNew("install", package);

        var listed = DotnetNew("list", ShortName);
        Assert.Matches($@"(?m)^ESP32 firmware and \.NET service, released with dotnet build\s+{ShortName}\s+\[C#\]", listed);

        const string Firmware = "fleet_node";
        var repo = _temp.Combine("repo");
        DotnetNew(ShortName, "-n", "Fleet", "-o", repo, "--firmware-name", Firmware, "--no-update-check");

        // -n names the service project, --firmware-name the ESP-IDF project; neither old name is left anywhere.
        var csproj = Path.Combine(repo, "service", "Fleet.csproj");
        Assert.True(File.Exists(csproj), $"no {csproj}");
        Assert.False(File.Exists(Path.Combine(repo, "service", "DeviceService.csproj")));
        Assert.Contains($"<PackageReference Include=\"EspRelease.MSBuild\" Version=\"{feed.Version}\" PrivateAssets=\"all\" />",
            File.ReadAllText(csproj), StringComparison.Ordinal);
        Assert.Contains($"project({Firmware})", File.ReadAllText(Path.Combine(repo, "firmware", "CMakeLists.txt")), StringComparison.Ordinal);
        Assert.Equal(Instance(SampleFiles(), "Fleet"), Files(repo));
        // The component is copied byte for byte (no symbol touches C), and main/ depends on that copy.
        foreach (var file in ComponentFiles())
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_component, file)), File.ReadAllBytes(Path.Combine(repo, ComponentFolder, file)));
        }

        var manifest = File.ReadAllText(Path.Combine(repo, "firmware", "main", "idf_component.yml"));
        Assert.Contains("path: ../components/esp_release_ota\n", manifest.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.DoesNotContain("../../../esp_release_ota", manifest, StringComparison.Ordinal);
        foreach (var file in Files(repo))
        {
            var text = File.ReadAllText(Path.Combine(repo, file));
            Assert.DoesNotContain("DeviceService", text, StringComparison.Ordinal);
            Assert.DoesNotContain("sensor_node", text, StringComparison.Ordinal);
        }

        // Used as its README says: an idf.py build in firmware/build, the key in the environment, publish from the root.
        feed.Isolate(repo);
        Directory.Move(BuildDirectoryBuilder.Create(_temp, FirmwareVersion, project: Firmware), Path.Combine(repo, "firmware", "build"));
        var environment = PackageFeed.UserEnvironment(repo);
        environment[SigningKey.EnvironmentVariable] = _key.ExportPkcs8Pem();

        var (exit, output) = DotnetCli.Run(repo, environment, "build", "service", "-t:EspReleasePublish", "-nologo");

        Assert.True(exit == 0, output);
        Assert.Contains($"EspRelease: published {Firmware} {FirmwareVersion} to channel 'stable' (sequence 1,", output, StringComparison.Ordinal);
        var pointer = Path.Combine(repo, "releases", "channels", "stable.jws");
        Assert.True(File.Exists(pointer), $"no {pointer}:\n{output}");
        var firmware = Path.Combine(repo, "releases", "releases", Firmware, FirmwareVersion, $"{Firmware}-{FirmwareVersion}-{Chip}.bin");
        Assert.True(File.Exists(firmware), $"no {firmware}:\n{output}");
    }

    [Fact]
    public void The_component_alone_is_written_into_an_esp_idf_projects_components_folder()
    {
        var package = Pack(Repo.Root, Path.Combine(_templates, "EspRelease.Templates.csproj"), feed.Version);
        DotnetNew("install", package);

        var project = _temp.Combine("idf-project");
        DotnetNew("esp-release-ota", "-o", Path.Combine(project, "components", "esp_release_ota"), "--no-update-check");

        // Core included, template configuration not; byte for byte.
        var written = Files(Path.Combine(project, "components", "esp_release_ota"));
        Assert.Equal(ComponentFiles(), written);
        Assert.Contains("core/src/esp_release_manifest.c", written);
        Assert.Contains("include/esp_release_ota.h", written);
        foreach (var file in written)
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(_component, file)), File.ReadAllBytes(Path.Combine(project, "components", "esp_release_ota", file)));
        }
    }

    public void Dispose() => _temp.Dispose();

    // The sample's files as a clone of this repository has them, whatever was built or published in place.
    private static List<string> SampleFiles() =>
        [.. Files(Path.Combine(_templates, "mixed-repo")).Where(f => !IsWorkingCopyOnly(f))];

    private static bool IsWorkingCopyOnly(string file) =>
        file is "firmware/sdkconfig" or "firmware/sdkconfig.old" || file.EndsWith(".pem", StringComparison.Ordinal) ||
        _workingCopyFolders.Any(f => file.StartsWith(f, StringComparison.Ordinal));

    // What an instance made from the sample holds: its files but the template's configuration, renamed by -n,
    // and the component in firmware/components/.
    private static List<string> Instance(List<string> sample, string name) =>
        [.. sample.Where(f => !f.StartsWith(".template.config/", StringComparison.Ordinal))
            .Select(f => f.Replace("DeviceService", name, StringComparison.Ordinal))
            .Concat(ComponentFiles().Select(f => ComponentFolder + f)).Order(StringComparer.Ordinal)];

    // The component's files as a template writes them: without its own template configuration.
    private static List<string> ComponentFiles() =>
        [.. Files(_component).Where(f => !f.StartsWith(".template.config/", StringComparison.Ordinal))];

    private static List<string> Files(string folder) =>
        [.. Directory.GetFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    // Packed with its build output under the temp folder: nothing is written into the repository's templates/.
    private string Pack(string workingDirectory, string project, string version)
    {
        var output = _temp.Combine("packages");
        var (exit, log) = DotnetCli.Run(workingDirectory, null, "pack", project, "-c", "Release", "-nologo", "-o", output,
            $"-p:Version={version}", "--artifacts-path", _temp.Combine("artifacts"));
        Assert.True(exit == 0, $"dotnet pack {project} failed:\n{log}");
        var package = Path.Combine(output, $"{PackageId}.{version}.nupkg");
        Assert.True(File.Exists(package), $"no {package}:\n{log}");
        return package;
    }

    // Always in a hive of the test's own: the user's template cache is never read or written, and an
    // earlier run's install never answers for this one.
    private string DotnetNew(params string[] args)
    {
        var (exit, output) = DotnetCli.Run(_temp.Path, null, ["new", .. args, "--debug:custom-hive", _temp.Combine("hive")]);
        Assert.True(exit == 0, $"dotnet new {string.Join(' ', args)} failed:\n{output}");
        return output;
    }

    private static string Read(ZipArchive zip, string name)
    {
        var entry = zip.GetEntry(name);
        Assert.True(entry is not null, $"no {name} in the package");
        using var reader = new StreamReader(entry.Open());
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"(Include=""EspRelease\.MSBuild"" Version="")[^""]*""")]
    private static partial Regex MSBuildReference();
}
