using System.CommandLine.Parsing;
using System.Reflection;
using EspRelease.Core.Signing;
using EspRelease.MSBuild.Tasks;
using EspRelease.Testing;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace EspRelease.MSBuild.Tests;

/// <summary>The tasks on their own: a fake build engine, the real esp-release tool in its own process.</summary>
public sealed class TaskTests
{
    /// <summary>The simple_ota fixture's blink.bin, byte for byte.</summary>
    internal const string FixtureSha256 = "a62c4d60cfab37953fd76124fa93ea5bafa3e2962fd75ad933b2a75b4d941d12";

    internal const string FixtureVersion = "qa-test-v5.0-20220830-4-g4532e6";

    /// <summary>The dotnet running these tests, as MSBuild passes $(DOTNET_HOST_PATH) to the tasks.</summary>
    internal static string DotnetHost => DotnetCli.Executable;

    [Fact]
    public void Inspect_returns_the_app_of_a_build_directory_as_metadata()
    {
        using var temp = new TempDirectory();
        // A space in the path: the response file must quote it, or the tool sees two arguments.
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "idf build");
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        var task = Inspect(engine, temp, build);

        Assert.True(task.Execute(), engine.Log);

        Assert.Empty(engine.Errors);
        var result = Assert.IsType<TaskItem>(task.Result);
        Assert.Equal(Path.Combine(build, "blink.bin"), result.ItemSpec);
        Assert.Equal(FixtureVersion, result.GetMetadata("Version"));
        Assert.Equal(FixtureSha256, result.GetMetadata("Sha256"));
        Assert.Equal("esp32s2", result.GetMetadata("Chip"));
        Assert.Equal("blink", result.GetMetadata("Project"));
        Assert.Equal("true", result.GetMetadata("Valid"));
    }

    [Fact]
    public void Inspect_of_a_corrupt_app_reports_the_tools_errors_on_the_file()
    {
        using var temp = new TempDirectory();
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        var blink = Path.Combine(build, "blink.bin");
        var bytes = File.ReadAllBytes(blink);
        bytes[5000] ^= 0xFF;
        File.WriteAllBytes(blink, bytes);
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        var task = Inspect(engine, temp, build);

        Assert.False(task.Execute());

        // Exactly the tool's two diagnostics, each on the file: no generic MSB6006 "exited with code 2",
        // no ESPR1053, and no second copy parsed from the text report on stdout.
        Assert.Equal(["ESPR1107", "ESPR1108"], engine.Errors.Select(e => e.Code).Order());
        Assert.All(engine.Errors, e => Assert.Equal(blink, e.File));
        Assert.Contains("SHA-256 wrong", engine.Errors.Single(e => e.Code == "ESPR1108").Message, StringComparison.Ordinal);
        Assert.Equal(2, task.ExitCode);
        Assert.Null(task.Result);
    }

    [Fact]
    public void Pack_with_a_key_file_writes_a_signed_release()
    {
        using var temp = new TempDirectory();
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        var keyId = WriteSigningKey(temp.Combine("signing-key.pem"));
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        var task = Pack(engine, temp, build, "release out");
        task.AllowNonSemver = true;

        Assert.True(task.Execute(), engine.Log);

        var release = temp.Combine("release out");
        Assert.True(File.Exists(Path.Combine(release, "manifest.jws")), engine.Log);
        var result = Assert.IsType<TaskItem>(task.Result);
        Assert.Equal(release, result.ItemSpec);
        Assert.Equal(release, result.GetMetadata("ReleaseDirectory"));
        Assert.Equal(FixtureSha256, result.GetMetadata("Sha256"));
        Assert.Equal(keyId, result.GetMetadata("KeyId"));
        Assert.Equal(FixtureVersion, result.GetMetadata("Version"));
        Assert.True(File.Exists(result.GetMetadata("Firmware")));
        // The tool's warning (a version that is not semver) becomes a build warning on the app image.
        Assert.Contains(engine.Warnings, w => w.Code == "ESPR2402" && w.File == Path.Combine(build, "blink.bin"));
        Assert.Empty(engine.Errors);
    }

    [Fact]
    public void A_refusal_names_the_MSBuild_property_that_fixes_it()
    {
        using var temp = new TempDirectory();
        var build = temp.CopyTree(Fixtures.SimpleOtaBuild, "build");
        WriteSigningKey(temp.Combine("signing-key.pem"));
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        var task = Pack(engine, temp, build, "release");

        Assert.False(task.Execute());

        // The fixture's version is not semver: the fix is a flag on the command line, a property here.
        var error = Assert.Single(engine.Errors);
        Assert.Equal("ESPR1402", error.Code);
        Assert.Contains("--allow-non-semver (MSBuild: EspReleaseAllowNonSemver=true)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_file_quotes_paths_with_spaces_and_omits_empty_options()
    {
        using var temp = new TempDirectory();
        var work = temp.Combine("work space");
        var task = new EspReleasePackTask
        {
            ToolAssembly = Repo.ToolAssembly,
            WorkingDirectory = work,
            ResultsFile = Path.Combine(work, "obj dir", "pack.results"),
            BuildDirectory = "idf build",
            OutputDirectory = "out",
            AllowNonSemver = true,
        };

        var text = ResponseFile(task);

        // Unquoted, a path with a space would reach the tool as two arguments.
        Assert.Contains($"\"{Path.Combine(work, "idf build")}\"", text, StringComparison.Ordinal);
        Assert.Contains($"\"{Path.Combine(work, "obj dir", "pack.results")}\"", text, StringComparison.Ordinal);
        Assert.Equal(
            [
                "pack", Path.Combine(work, "idf build"),
                "--out", Path.Combine(work, "out"),
                "--allow-non-semver",
                "--diagnostics-format", "msbuild",
                "--results-file", Path.Combine(work, "obj dir", "pack.results"),
            ],
            Tokens(text));

        task.KeyFile = "keys/signing-key.pem";
        task.Channel = "beta";
        task.Version = "1.2.3";
        task.ConfigFile = "esp-release.json";
        task.Factory = true;
        task.AllowNonSemver = false;

        Assert.Equal(
            [
                "pack", Path.Combine(work, "idf build"),
                "--out", Path.Combine(work, "out"),
                "--key", Path.Combine(work, "keys", "signing-key.pem"),
                "--channel", "beta",
                "--version", "1.2.3",
                "--factory",
                "--config", Path.Combine(work, "esp-release.json"),
                "--diagnostics-format", "msbuild",
                "--results-file", Path.Combine(work, "obj dir", "pack.results"),
            ],
            Tokens(ResponseFile(task)));
    }

    [Fact]
    public void Publish_passes_the_rollout_percent_only_when_set()
    {
        using var temp = new TempDirectory();
        var task = new EspReleasePublishTask
        {
            ToolAssembly = Repo.ToolAssembly,
            WorkingDirectory = temp.Path,
            ResultsFile = temp.Combine("publish.results"),
            ReleaseDirectory = "release",
            Channel = "beta",
        };
        string[] tail = ["--diagnostics-format", "msbuild", "--results-file", temp.Combine("publish.results")];

        Assert.Equal(["publish", temp.Combine("release"), "--channel", "beta", .. tail], Tokens(ResponseFile(task)));
        task.Rollout = "10";
        Assert.Equal(["publish", temp.Combine("release"), "--channel", "beta", "--rollout", "10", .. tail], Tokens(ResponseFile(task)));
    }

    [Fact]
    public void Publish_passes_an_s3_host_and_its_settings_but_no_credential()
    {
        using var temp = new TempDirectory();
        var task = new EspReleasePublishTask
        {
            ToolAssembly = Repo.ToolAssembly,
            WorkingDirectory = temp.Path,
            ResultsFile = temp.Combine("publish.results"),
            ReleaseDirectory = "release",
            Host = "s3://fleet-firmware/releases",
            S3Endpoint = "https://minio.example:9000",
            S3PathStyle = true,
            S3UnconditionalWrites = true,
        };

        Assert.Equal(
            ["publish", temp.Combine("release"), "--to", "s3://fleet-firmware/releases", "--s3-endpoint", "https://minio.example:9000", "--s3-path-style", "--s3-unconditional-writes",
                "--diagnostics-format", "msbuild", "--results-file", temp.Combine("publish.results")],
            Tokens(ResponseFile(task)));
    }

    [Fact]
    public void Inspect_response_file_never_has_a_config()
    {
        using var temp = new TempDirectory();
        var task = new EspReleaseInspectTask
        {
            ToolAssembly = Repo.ToolAssembly,
            WorkingDirectory = temp.Path,
            ResultsFile = temp.Combine("inspect.results"),
            BuildDirectory = "build",
            // inspect judges bytes, not settings: the verb has no --config and would refuse one.
            ConfigFile = "esp-release.json",
        };

        Assert.Equal(
            ["inspect", temp.Combine("build"), "--diagnostics-format", "msbuild", "--results-file", temp.Combine("inspect.results")],
            Tokens(ResponseFile(task)));
    }

    [Fact]
    public void Results_keep_percent_dollar_and_at_signs_literal()
    {
        using var temp = new TempDirectory();
        var file = temp.Combine("publish.results");
        File.WriteAllLines(file,
        [
            "ReleaseDirectory=/srv/100%25 sure/$(Version)/@(Items)",
            "DeviceUrl=https://h.example/c/stable.jws?a=%41&b=$x@y*z'(1)",
            "ChangedFiles=/p/sdkconfig;/p/sdkconfig.defaults",
            // Skipped, not a crash: the reader only takes Name=Value lines.
            "not a result line",
        ]);

        var item = ToolResults.Read(file, "ReleaseDirectory");

        Assert.Equal("/srv/100%25 sure/$(Version)/@(Items)", item.ItemSpec);
        Assert.Equal("/srv/100%25 sure/$(Version)/@(Items)", item.GetMetadata("ReleaseDirectory"));
        Assert.Equal("https://h.example/c/stable.jws?a=%41&b=$x@y*z'(1)", item.GetMetadata("DeviceUrl"));
        // ';' stays a list separator on purpose.
        Assert.Equal("/p/sdkconfig;/p/sdkconfig.defaults", item.GetMetadata("ChangedFiles"));
    }

    [Fact]
    public void Missing_tool_is_ESPR1051_naming_the_path()
    {
        using var temp = new TempDirectory();
        var missing = temp.Combine("tools", "net10.0", "esp-release.dll");
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        var task = Inspect(engine, temp, temp.Combine("build"));
        task.ToolAssembly = missing;

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("ESPR1051", error.Code);
        Assert.Equal(missing, error.File);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tool_failing_without_a_diagnostic_is_ESPR1053()
    {
        using var temp = new TempDirectory();
        var engine = new FakeBuildEngine(temp.Combine("app.csproj"));
        // A verb the tool does not have, as a tool older than the targets would see one: System.CommandLine
        // exits 1 with a usage message and its help, neither of which is a diagnostic.
        var task = new UnknownVerbTask();
        engine.Attach(task, temp.Path);

        Assert.False(task.Execute());

        var error = Assert.Single(engine.Errors);
        Assert.Equal("ESPR1053", error.Code);
        Assert.Equal(Repo.ToolAssembly, error.File);
        Assert.Contains("exited with code 1", error.Message, StringComparison.Ordinal);
        Assert.Contains(engine.Messages, m => m.Message?.Contains("no-such-verb", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void No_task_parameter_can_carry_a_secret()
    {
        var tasks = typeof(EspReleaseToolTask).Assembly.GetExportedTypes()
            .Where(t => typeof(ITask).IsAssignableFrom(t) && !t.IsAbstract)
            .ToList();
        var parameters = tasks.SelectMany(t => t.GetProperties(BindingFlags.Public | BindingFlags.Instance)).Select(p => p.Name).Distinct().ToList();
        string[] secretWords = ["Key", "Pem", "Sas", "Secret", "Password", "ConnectionString", "Credential", "Token"];
        // Paths to keys and public keys, and the name of a result: none holds key material.
        string[] allowed = ["KeyFile", "TrustedKeys", "ResultKey"];

        Assert.Equal(6, tasks.Count);
        Assert.Contains("KeyFile", parameters);
        Assert.DoesNotContain(parameters, p => secretWords.Any(w => p.Contains(w, StringComparison.OrdinalIgnoreCase)) && !allowed.Contains(p));
    }

    internal static string WriteSigningKey(string path)
    {
        var key = SigningKey.Generate();
        File.WriteAllText(path, key.ExportPkcs8Pem());
        return key.KeyId;
    }

    // Relative paths are the working directory's, as they are the project's in a build.
    private static EspReleasePackTask Pack(FakeBuildEngine engine, TempDirectory temp, string build, string output)
    {
        var task = new EspReleasePackTask { BuildDirectory = build, OutputDirectory = output, KeyFile = "signing-key.pem" };
        engine.Attach(task, temp.Path);
        return task;
    }

    private static EspReleaseInspectTask Inspect(FakeBuildEngine engine, TempDirectory temp, string build)
    {
        var task = new EspReleaseInspectTask { BuildDirectory = build };
        engine.Attach(task, temp.Path);
        return task;
    }

    // The tasks are sealed and the method protected: reflection calls the override the build would.
    private static string ResponseFile(ToolTask task) =>
        (string)typeof(ToolTask).GetMethod("GenerateResponseFileCommands", BindingFlags.Instance | BindingFlags.NonPublic, Type.EmptyTypes)!.Invoke(task, null)!;

    /// <summary>The tokens the tool reads: System.CommandLine splits each response-file line like a command line.</summary>
    private static string[] Tokens(string responseFile)
    {
        Assert.EndsWith("\n", responseFile, StringComparison.Ordinal);
        return [.. responseFile.Split('\n').SelectMany(line => CommandLineParser.SplitCommandLine(line.Trim()))];
    }

    private sealed class UnknownVerbTask : EspReleaseToolTask
    {
        protected override string Verb => "no-such-verb";

        protected override string ResultKey => "Nothing";

        protected override void AddArguments(ToolArguments arguments)
        {
        }
    }
}
