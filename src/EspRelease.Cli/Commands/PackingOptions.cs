using System.CommandLine;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images.SecureBoot;
using EspRelease.Core.Releases;
using EspRelease.Core.Signing;

namespace EspRelease.Cli.Commands;

/// <summary>The options <c>pack</c> and <c>publish</c> share (publish packs a build directory first).</summary>
internal sealed class PackingOptions
{
    public Option<string?> Key { get; } = new("--key", "-k")
    {
        Description = "The signing key (PKCS#8 PEM from `esp-release keygen`). Default: \"key\" in esp-release.json, else the PEM in the ESP_RELEASE_SIGNING_KEY environment variable.",
    };

    public Option<string?> Out { get; } = new("--out", "-o")
    {
        Description = "The release directory to write. Default: <build-dir>/release.",
    };

    public Option<string?> Channel { get; } = new("--channel", "-c")
    {
        Description = "The channel the release is for (stable, beta, …). Default: \"channel\" in esp-release.json, else stable.",
    };

    public Option<string?> Version { get; } = new("--version")
    {
        Description = "The version CI expects (e.g. the git tag, with or without a leading v), or \"git\": the version `esp-release version --require-tag` gives the project's HEAD (the image may hold it as git describe output of that commit, v1.2.3-4-gabc1234). \"auto\": the same where the project is in a git repository with a version tag (a shallow clone is refused), nothing elsewhere; \"none\": no check. The release is refused if the image says otherwise.",
    };

    public Option<bool> AllowNonSemver { get; } = new("--allow-non-semver")
    {
        Description = "Accept a version that is not semver (e.g. a bare commit hash). Ordering checks against the channel are then skipped, with a warning.",
    };

    public Option<bool> Factory { get; } = new("--factory")
    {
        Description = "Also write factory/: one merged flash image (bootloader, partition table, OTA data, app at their offsets, 0xFF between) and an ESP Web Tools manifest for it.",
    };

    public Option<bool> AllowInsecure { get; } = new("--allow-insecure")
    {
        Description = "Release even when the build's sdkconfig weakens OTA security (CONFIG_ESP_TLS_INSECURE, CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY, CONFIG_ESP_HTTPS_OTA_ALLOW_HTTP, a skip-CN option, an http:// firmware URL). Each finding becomes a loud warning instead of refusing the release. For test devices only.",
    };

    public Option<string[]> SecureBootKey { get; } = new("--secure-boot-key")
    {
        Description = "Sign the app for Secure Boot V2 with this private key (PEM: RSA-3072, ECDSA P-256, or P-384 where the chip supports it) before it is hashed, so the manifest binds the signed image; repeat for up to 3 keys. Like `espsecure sign-data --version 2 --keyfile KEY`. For a build made with CONFIG_SECURE_BOOT_BUILD_SIGNED_BINARIES=n.",
    };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Key, Out, Channel, Version, AllowNonSemver, Factory, AllowInsecure, SecureBootKey })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The build directory: the argument, else "buildDir" in esp-release.json, else the current directory.</summary>
    public static string BuildDirectory(CommandContext context, string? argument) =>
        argument ?? context.Config.BuildDir ?? Directory.GetCurrentDirectory();

    public string ChannelOf(CommandContext context, string? fromRelease = null) =>
        context.Get(Channel) ?? context.Config.Channel ?? fromRelease ?? ReleaseNaming.DefaultChannel;

    public bool NonSemverAllowed(CommandContext context) => context.Get(AllowNonSemver) || context.Config.AllowNonSemver;

    public PackedRelease Pack(CommandContext context, string buildArgument, SigningKey key)
    {
        var buildDir = IdfBuildReader.ResolveBuildDirectory(buildArgument)
            ?? throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                $"{buildArgument}: not an idf.py build directory (no {ProjectDescription.FileName} in it or in its build/ folder). Run `idf.py build` in the ESP-IDF project, then pass its build directory (or set \"buildDir\" in esp-release.json).",
                buildArgument, FailureKind.Usage);
        return ReleasePacker.Pack(new PackOptions
        {
            BuildDirectory = buildDir,
            OutputDirectory = Path.GetFullPath(context.Get(Out) ?? Path.Combine(buildDir, "release")),
            Key = key,
            Channel = ChannelOf(context),
            ExpectedVersion = context.Get(Version) ?? context.Config.Version,
            AllowNonSemver = NonSemverAllowed(context),
            Factory = context.Get(Factory),
            AllowInsecure = context.Get(AllowInsecure),
            SecureBootKeys = [.. (context.Get(SecureBootKey) ?? []).Select(k => SecureBootKeyLoader.Load(k, requirePrivate: true))],
            Created = CommandContext.Now,
        });
    }
}
