using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IO;
using EspRelease.Core.Signing;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release keygen --out key.pem</c>: a new ECDSA P-256 signing key and its public half.</summary>
internal sealed class KeygenCommand : ReleaseCommandBase
{
    public KeygenCommand(Option<DiagnosticsFormat> format)
        : base("keygen", "Create an ECDSA P-256 key for signing manifests (PKCS#8 PEM, mode 0600) and its public key beside it (<name>.pub.pem); print the key id (RFC 7638 thumbprint). Keep the private key out of the repository; in CI put it in the ESP_RELEASE_SIGNING_KEY secret.", format)
    {
        Options.Add(OutOption);
        Options.Add(ForceOption);
    }

    internal Option<string> OutOption { get; } = new("--out", "-o")
    {
        Description = "Where to write the private key, e.g. ~/.esp-release/signing-key.pem. The public key goes beside it as <name>.pub.pem.",
        Required = true,
    };

    internal Option<bool> ForceOption { get; } = new("--force")
    {
        Description = "Replace existing key files. Without it keygen refuses: a lost signing key strands every device that trusts it.",
    };

    protected override Task<int> ExecuteAsync(CommandContext context, CancellationToken cancellationToken)
    {
        var privatePath = Path.GetFullPath(context.Get(OutOption)!);
        var publicPath = PublicPathFor(privatePath);
        if (!context.Get(ForceOption))
        {
            foreach (var existing in new[] { privatePath, publicPath }.Where(File.Exists))
            {
                throw new EspReleaseException(DiagnosticCodes.KeyFileExists,
                    $"{existing}: already exists. keygen does not overwrite keys (devices may trust it). Choose another --out, or pass --force if you really mean to replace it.", existing, FailureKind.Usage);
            }
        }

        var key = SigningKey.Generate();
        AtomicFile.WritePrivate(privatePath, key.ExportPkcs8Pem());
        AtomicFile.WriteAllBytes(publicPath, System.Text.Encoding.ASCII.GetBytes(key.PublicKey.ExportPem()));

        if (context.Json)
        {
            ReleaseJsonWriter.WriteKeygen(context.Stdout, key.KeyId, privatePath, publicPath);
        }
        else
        {
            context.Stdout.WriteLine($"Key id:      {key.KeyId}");
            context.Stdout.WriteLine($"Private key: {privatePath} (secret: never commit it; for CI store its contents in ESP_RELEASE_SIGNING_KEY)");
            context.Stdout.WriteLine($"Public key:  {publicPath} (for `verify --key` and for devices)");
        }

        return Task.FromResult(ExitCodes.Success);
    }

    internal static string PublicPathFor(string privatePath) =>
        privatePath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ? privatePath[..^4] + ".pub.pem" : privatePath + ".pub.pem";
}
