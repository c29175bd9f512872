using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release publish &lt;build-dir|release-dir&gt; --to &lt;host&gt;</c>: pack if needed, upload, then point the channel at it.</summary>
internal sealed class PublishCommand : ReleaseCommandBase
{
    private readonly PackingOptions _packing = new();

    public PublishCommand(Option<DiagnosticsFormat> format)
        : base("publish", "Publish a release to a host: pack the build first if given a build directory, check the version against the channel's current release, upload the release files (never overwriting a published version), then replace the channel pointer (channels/<channel>.jws), last and atomically.", format)
    {
        Arguments.Add(PathArgument);
        Options.Add(ToOption);
        Options.Add(TrustedKeysOption);
        _packing.AddTo(this);
    }

    internal Argument<string?> PathArgument { get; } = new("path")
    {
        Description = "A release directory written by `pack`, or an idf.py build directory (packed first). Default: \"buildDir\" in esp-release.json, else the current directory.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    internal Option<string?> ToOption { get; } = HostOptions.Host("--to", "--host");

    internal Option<string[]> TrustedKeysOption { get; } = HostOptions.TrustedKeys();

    protected override async Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var host = HostOptions.Open(context, context.Get(ToOption), "--to");
        var key = context.SigningKey(context.Get(_packing.Key));
        var trusted = context.TrustedKeys(context.Get(TrustedKeysOption));
        var path = PackingOptions.BuildDirectory(context, context.Parse.GetValue(PathArgument));

        var release = ReleaseDirectory.IsRelease(path)
            ? ReleaseDirectory.Load(path, [key.PublicKey, .. trusted])
            : _packing.Pack(context, path, key);

        var progress = context.Progress();
        var change = await ReleasePublisher.PublishAsync(host, release, _packing.ChannelOf(context, release.Manifest.Channel), new ChannelOptions
        {
            Key = key,
            TrustedKeys = trusted,
            AllowNonSemver = _packing.NonSemverAllowed(context),
            Created = CommandContext.Now,
        }, progress, cancellationToken);
        progress.Done();

        if (context.Json)
        {
            ReleaseJsonWriter.WriteChange(context.Stdout, change, release);
        }
        else
        {
            context.Warn([.. release.Warnings, .. change.Warnings]);
            if (release.Build is not null)
            {
                ReleaseTextWriter.WritePack(context.Stdout, release);
            }

            ReleaseTextWriter.WriteChange(context.Stdout, change, "Published");
        }

        return ExitCodes.Success;
    }
}
