using System.CommandLine;
using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.IO;
using EspRelease.Core.Partitions;

namespace EspRelease.Cli.Commands;

/// <summary><c>esp-release inspect &lt;path&gt;</c>: validates an app image, a partition table or a whole build directory.</summary>
internal sealed class InspectCommand : Command
{
    public InspectCommand(Option<DiagnosticsFormat> diagnosticsFormat)
        : base("inspect", "Validate an ESP app image, a partition table, or an idf.py build directory, byte for byte, the way the device will.")
    {
        DiagnosticsFormat = diagnosticsFormat;
        Arguments.Add(PathArgument);
        Options.Add(JsonOption);
        Options.Add(ResultsFileOption);
        Options.Add(SecureBootPubOption);
        SetAction(Execute);
    }

    internal Argument<string> PathArgument { get; } = new("path")
    {
        Description = "An app image (.bin), a partition table (partition-table.bin), or an idf.py build directory (or the project directory holding build/).",
    };

    internal Option<bool> JsonOption { get; } = new("--json")
    {
        Description = "Write the result as JSON to stdout (integers as numbers, hashes as lowercase hex) instead of the text report.",
    };

    internal Option<string?> ResultsFileOption { get; } = new("--results-file")
    {
        Description = "Also write what a build directory holds as Name=Value lines to this file (what the MSBuild tasks read).",
        Hidden = true,
    };

    internal Option<string[]> SecureBootPubOption { get; } = new("--secure-boot-pub")
    {
        Description = "A Secure Boot V2 public key (PEM: RSA-3072, ECDSA P-256 or P-384), repeatable: each signature block says which of them signed it (by the key digest eFuse holds).",
        AllowMultipleArgumentsPerToken = false,
    };

    internal Option<DiagnosticsFormat> DiagnosticsFormat { get; }

    private int Execute(ParseResult parse)
    {
        var diagnostics = DiagnosticWriter.For(parse.InvocationConfiguration.Error, parse.GetValue(DiagnosticsFormat));
        var results = new Dictionary<string, string?>(StringComparer.Ordinal);
        var exitCode = Inspect(parse, diagnostics, results);
        if (diagnostics.Format == Output.DiagnosticsFormat.GitHub)
        {
            results["Valid"] = exitCode == ExitCodes.Success ? "true" : "false";
            GitHubStepResults.WriteOrWarn(parse.InvocationConfiguration.Error, Name, exitCode, results, diagnostics.Written);
        }

        return exitCode;
    }

    private int Inspect(ParseResult parse, DiagnosticWriter diagnostics, Dictionary<string, string?> results)
    {
        IReadOnlyDictionary<string, string>? signers;
        try
        {
            signers = Signers(parse.GetValue(SecureBootPubOption));
        }
        catch (EspReleaseException e)
        {
            diagnostics.WriteAll(e.Diagnostics);
            return ExitCodes.UsageError;
        }

        var path = parse.GetRequiredValue(PathArgument);
        var json = parse.GetValue(JsonOption);
        var stdout = parse.InvocationConfiguration.Output;

        if (Directory.Exists(path))
        {
            if (!IdfBuildReader.IsBuildDirectory(path))
            {
                diagnostics.Write(new Diagnostic(DiagnosticCodes.UnknownInput, Severity.Error,
                    $"{path}: a directory, but not an idf.py build directory (no {ProjectDescription.FileName} in it or in its build/ folder). Run `idf.py build` in the ESP-IDF project, then pass its build directory.", path));
                return ExitCodes.UsageError;
            }

            var build = IdfBuildReader.Inspect(path);
            ResultsFile.AddBuild(results, build);
            if (parse.GetValue(ResultsFileOption) is { } resultsFile)
            {
                ResultsFile.Write(resultsFile, results);
            }

            Report(stdout, json, diagnostics, build.AllDiagnostics,
                s => InspectJsonWriter.Write(s, build, signers), t => new InspectTextWriter(t, signers).Write(build));
            return build.Valid ? ExitCodes.Success : ExitCodes.Invalid;
        }

        if (!InputFile.Exists(path))
        {
            diagnostics.Write(new Diagnostic(DiagnosticCodes.FileNotFound, Severity.Error,
                $"{path}: no such file or directory. Pass an app image (build/<project>.bin), a partition table, or the build directory.", path));
            return ExitCodes.UsageError;
        }

        if (LooksLikePartitionTable(path))
        {
            var table = PartitionTable.Read(path);
            Report(stdout, json, diagnostics, table.Diagnostics,
                s => InspectJsonWriter.Write(s, table), t => new InspectTextWriter(t).Write(table));
            return ExitCode(table.Valid, table.Diagnostics);
        }

        var image = AppImageReader.Inspect(path);
        if (!NotRead(image.Diagnostics))
        {
            ResultsFile.AddImage(results, image);
        }

        Report(stdout, json, diagnostics, image.Diagnostics, s => InspectJsonWriter.Write(s, image, signers), t => new InspectTextWriter(t, signers).Write(image));
        return ExitCode(image.Valid, image.Diagnostics);
    }

    // Each given public key by its digest, named by its file; null when none was given.
    private static Dictionary<string, string>? Signers(string[]? files)
    {
        if (files is not { Length: > 0 })
        {
            return null;
        }

        var byDigest = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            byDigest.TryAdd(Convert.ToHexStringLower(Core.Images.SecureBoot.SecureBootKeyLoader.Load(file, requirePrivate: false).KeyDigest), file);
        }

        return byDigest;
    }

    // A path that could not be read as a file is the caller's mistake (exit 1), not an invalid image (exit 2).
    private static int ExitCode(bool valid, IEnumerable<Diagnostic> found) =>
        NotRead(found) ? ExitCodes.UsageError : valid ? ExitCodes.Success : ExitCodes.Invalid;

    // The path was refused or could not be read: there is no content to describe.
    private static bool NotRead(IEnumerable<Diagnostic> found) =>
        found.Any(d => d.Code is DiagnosticCodes.FileUnreadable or DiagnosticCodes.NotARegularFile or DiagnosticCodes.FileNotFound);

    private static void Report(TextWriter stdout, bool json, DiagnosticWriter diagnostics, IEnumerable<Diagnostic> found, Action<Stream> writeJson, Action<TextWriter> writeText)
    {
        if (json)
        {
            using var buffer = new MemoryStream();
            writeJson(buffer);
            stdout.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
            // The document holds everything; the errors go to stderr too, as with every verb, so a failing run always says why.
            diagnostics.WriteAll(found.Where(d => d.Severity == Severity.Error));
            return;
        }

        // A file that was never read gets its error alone, not a report of "0 bytes, INVALID" beside it.
        if (!NotRead(found))
        {
            writeText(stdout);
        }

        diagnostics.WriteAll(found);
    }

    // A partition table starts with an entry (AA 50) or, when empty, the MD5 record (EB EB); an image starts 0xE9.
    // A path that is not a readable regular file is no table: the image reader then reports what it is.
    private static bool LooksLikePartitionTable(string path)
    {
        Span<byte> head = stackalloc byte[2];
        try
        {
            using var stream = InputFile.OpenRead(path);
            return stream.ReadAtLeast(head, 2, throwOnEndOfStream: false) == 2 && ((head[0] == 0xAA && head[1] == 0x50) || (head[0] == 0xEB && head[1] == 0xEB));
        }
        catch (Exception e) when (e is EspReleaseException or IOException)
        {
            return false;
        }
    }
}
