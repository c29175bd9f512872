using System.CommandLine;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EspRelease.Cli.Tests;

/// <summary>
/// Runs the real command tree in-process (fast), or the built tool as a child process (for
/// environment and crash tests). Every run is held to the rules every command keeps: it never
/// exits non-zero without a word on stderr, and an error code (ESPR1xxx) is never written as a
/// warning, nor a warning code (ESPR2xxx) as an error.
/// </summary>
internal static partial class CliRunner
{
    /// <summary>Longer than any command may wait on its own (the device's limits are seconds).</summary>
    private static readonly TimeSpan ProcessLimit = TimeSpan.FromMinutes(3);

    public static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await EspReleaseRootCommand.Create(args.Length > 0 ? args[0] : null).Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return Checked(args, exit, output.ToString(), error.ToString());
    }

    private static (int Exit, string Out, string Err) Checked(string[] args, int exit, string stdout, string stderr)
    {
        if (exit != 0 && string.IsNullOrWhiteSpace(stderr))
        {
            throw new Xunit.Sdk.XunitException($"`esp-release {string.Join(' ', args)}` exited {exit} without a message on stderr.\nstdout:\n{stdout}");
        }

        foreach (Match m in CodeWithSeverity().Matches(stderr))
        {
            var error = m.Groups[1].Value is "error";
            if (error != (m.Groups[2].Value == "1"))
            {
                throw new Xunit.Sdk.XunitException($"`esp-release {string.Join(' ', args)}` wrote ESPR{m.Groups[2].Value}… as {m.Groups[1].Value}: codes ESPR1xxx are errors, ESPR2xxx warnings.\n{stderr}");
            }
        }

        return (exit, stdout, stderr);
    }

    // The text format ("error ESPR1234:"), the MSBuild one (": error ESPR1234:") and GitHub's ("::error …title=ESPR1234::").
    [GeneratedRegex(@"\b(error|warning)\b[^\n]*?\bESPR([12])\d{3}\b")]
    private static partial Regex CodeWithSeverity();

    /// <summary>The tool as users run it: <c>dotnet esp-release.dll …</c> (the test build copies the CLI beside the tests).</summary>
    public static ProcessStartInfo ProcessStart(IDictionary<string, string?>? environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "esp-release.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("ESP_RELEASE_SIGNING_KEY");
        start.Environment.Remove("SOURCE_DATE_EPOCH");
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public static Task<(int Exit, string Out, string Err)> RunProcess(IDictionary<string, string?>? environment, params string[] args) =>
        RunProcess(ProcessStart(environment, args), args);

    /// <summary>Runs a prepared start (another build of the tool, say), bounded and held to the same rules.</summary>
    public static async Task<(int Exit, string Out, string Err)> RunProcess(ProcessStartInfo start, string[] args)
    {
        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(ProcessLimit);
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"`esp-release {string.Join(' ', args)}` did not exit within {ProcessLimit.TotalMinutes} minutes.");
        }

        return Checked(args, process.ExitCode, await stdout, await stderr);
    }
}
