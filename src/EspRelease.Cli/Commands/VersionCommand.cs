using System.CommandLine;
using System.Globalization;
using EspRelease.Cli.Output;
using EspRelease.Core.Versioning;

namespace EspRelease.Cli.Commands;

/// <summary>
/// <c>esp-release version [dir]</c>: HEAD's version from git tags, by MinVer's rules, for
/// <c>idf.py -DPROJECT_VER=…</c> or a version.txt written before the build. stdout holds the
/// version alone (scripts capture it); everything else goes to stderr.
/// </summary>
internal sealed class VersionCommand : ReleaseCommandBase
{
    public VersionCommand(Option<DiagnosticsFormat> format)
        : base("version",
            "Print the version git gives HEAD, by MinVer's rules: the tag v1.2.3 on HEAD gives 1.2.3; 5 commits after it, 1.2.4-alpha.0.5; after v1.3.0-rc.1, 1.3.0-rc.1.5; no tag, 0.0.0-alpha.0.<commits> with a warning. " +
            "Use it before the build: `idf.py -DPROJECT_VER=$(dotnet esp-release version) build`, or `dotnet esp-release version --write version.txt` then `idf.py build`. " +
            "A shallow clone (actions/checkout's default fetch-depth: 1) is refused unless HEAD itself is tagged: give actions/checkout `fetch-depth: 0`. " +
            "Exit codes: 0 ok, 1 usage, 2 refused (not a git work tree, a shallow clone, no tag with --require-tag).",
            format)
    {
        Arguments.Add(DirectoryArgument);
        foreach (var option in new Option[] { TagPrefixOption, MinimumMajorMinorOption, AutoIncrementOption, IdentifiersOption, BuildMetadataOption, RequireTagOption, WriteOption })
        {
            Options.Add(option);
        }
    }

    internal Argument<string?> DirectoryArgument { get; } = new("dir")
    {
        Description = "Any directory inside the git work tree, typically the ESP-IDF project. Default: the current directory.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal Option<string> TagPrefixOption { get; } = new("--tag-prefix", "-t")
    {
        HelpName = "PREFIX",
        Description = "Only tags made of this prefix (any case) and a SemVer 2.0 version count; others (v1.2, release-5) are ignored. Use \"\" for bare 1.2.3 tags.",
        DefaultValueFactory = _ => GitVersionOptions.DefaultTagPrefix,
    };

    internal Option<string?> MinimumMajorMinorOption { get; } = new("--minimum-major-minor", "-m")
    {
        HelpName = "X.Y",
        Description = "MAJOR.MINOR, e.g. 2.0: a lower computed version becomes 2.0.0-alpha.0.<height> (not on a tagged commit).",
    };

    internal Option<string?> AutoIncrementOption { get; } = new("--auto-increment", "-a")
    {
        HelpName = "patch|minor|major",
        Description = "The part that rises after an RTM tag: patch (default; v1.2.3 + 1 commit = 1.2.4-alpha.0.1), minor or major.",
    };

    internal Option<string> IdentifiersOption { get; } = new("--default-pre-release-identifiers", "-p")
    {
        HelpName = "IDS",
        Description = "The pre-release identifiers after an RTM tag, or without any tag.",
        DefaultValueFactory = _ => GitVersionOptions.DefaultIdentifiers,
    };

    internal Option<string?> BuildMetadataOption { get; } = new("--build-metadata", "-b")
    {
        HelpName = "META",
        Description = "Build metadata to append after '+', e.g. ci.42 (devices ignore it when ordering; it counts towards the 31 bytes).",
    };

    internal Option<bool> RequireTagOption { get; } = new("--require-tag")
    {
        Description = "Refuse (exit 2) when no version tag is reachable, instead of 0.0.0-alpha.0.<commits> with a warning. Use it in release jobs.",
    };

    internal Option<string?> WriteOption { get; } = new("--write", "-w")
    {
        HelpName = "FILE",
        Description = "Also write the version to this file (relative to dir), atomically: version.txt in the project directory (ESP-IDF reads it when CMakeLists.txt does not set PROJECT_VER), or a .cmake file with set(PROJECT_VER \"…\") to include() before project(). stdout still holds only the version.",
    };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var dir = Path.GetFullPath(context.Parse.GetValue(DirectoryArgument) ?? Directory.GetCurrentDirectory());
        var options = new GitVersionOptions
        {
            TagPrefix = context.Get(TagPrefixOption) ?? GitVersionOptions.DefaultTagPrefix,
            MinimumMajorMinor = context.Get(MinimumMajorMinorOption) is { } min ? GitVersionOptions.ParseMajorMinor(min) : null,
            AutoIncrement = context.Get(AutoIncrementOption) is { } part ? GitVersionOptions.ParseAutoIncrement(part) : AutoIncrement.Patch,
            DefaultPreReleaseIdentifiers = context.Get(IdentifiersOption) ?? GitVersionOptions.DefaultIdentifiers,
            BuildMetadata = context.Get(BuildMetadataOption),
            RequireTag = context.Get(RequireTagOption),
        };
        var computed = GitVersioner.Compute(dir, options);
        var warnings = computed.Warnings.ToList();
        string? written = null;
        if (context.Get(WriteOption) is { } write)
        {
            written = VersionFile.Write(Path.Combine(dir, write), computed.Version);
            warnings.AddRange(VersionFile.IgnoredWarnings(written));
        }

        context.Results["Version"] = computed.Version;
        context.Results["Tag"] = computed.Tag;
        context.Results["Height"] = computed.Height.ToString(CultureInfo.InvariantCulture);
        context.Results["Commit"] = computed.Commit;
        if (context.Json)
        {
            ReleaseJsonWriter.WriteVersion(context.Stdout, computed, written, warnings);
            return Task.FromResult(ExitCodes.Success);
        }

        context.Warn(warnings);
        if (written is not null)
        {
            context.Stderr.WriteLine($"esp-release: wrote {computed.Version} to {written}");
        }

        context.Stdout.WriteLine(computed.Version);
        return Task.FromResult(ExitCodes.Success);
    }
}
