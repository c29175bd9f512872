using System.CommandLine;
using EspRelease.Cli.Output;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release pack &lt;build-dir&gt; --key K --out DIR</c>: validate a build and write a signed release directory.</summary>
internal sealed class PackCommand : ReleaseCommandBase
{
    private readonly PackingOptions _packing = new();

    public PackCommand(Option<DiagnosticsFormat> format)
        : base("pack", "Validate an idf.py build (everything `inspect` checks, plus the version rules) and write a signed release: <project>-<version>-<chip>.bin, manifest.json and manifest.jws (ES256). Any error refuses the release.", format)
    {
        Arguments.Add(BuildArgument);
        _packing.AddTo(this);
    }

    internal Argument<string?> BuildArgument { get; } = new("build-dir")
    {
        Description = "The idf.py build directory, or the project directory holding build/. Default: \"buildDir\" in esp-release.json, else the current directory.",
        Arity = ArgumentArity.ZeroOrOne,
    };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var key = context.SigningKey(context.Get(_packing.Key));
        var release = _packing.Pack(context, PackingOptions.BuildDirectory(context, context.Parse.GetValue(BuildArgument)), key);
        ResultsFile.AddRelease(context.Results, release);
        if (context.Json)
        {
            ReleaseJsonWriter.WritePack(context.Stdout, release);
        }
        else
        {
            context.Warn(release.Warnings);
            ReleaseTextWriter.WritePack(context.Stdout, release);
        }

        return Task.FromResult(ExitCodes.Success);
    }
}
