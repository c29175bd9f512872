using System.CommandLine;
using System.Diagnostics;

namespace EspRelease.Cli.Tests;

/// <summary>Runs the real command tree in-process (fast), or the built tool as a child process (for environment and crash tests).</summary>
internal static class CliRunner
{
    public static async Task<(int Exit, string Out, string Err)> Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await EspReleaseRootCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

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

    public static async Task<(int Exit, string Out, string Err)> RunProcess(IDictionary<string, string?>? environment, params string[] args)
    {
        using var process = Process.Start(ProcessStart(environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }
}
