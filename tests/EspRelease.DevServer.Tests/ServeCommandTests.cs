using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using EspRelease.Core.Certificates;
using EspRelease.Core.Sdkconfig;
using EspRelease.Testing;

namespace EspRelease.DevServer.Tests;

/// <summary>`esp-release serve` as users run it: the real command tree, in-process on port 0, stopped by cancellation or SIGINT.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private const string UrlOption = "CONFIG_EXAMPLE_FIRMWARE_UPGRADE_URL";
    private readonly TempDirectory _temp = new();
    private readonly string _project;
    private readonly string _caDir;

    public ServeCommandTests()
    {
        _project = _temp.CopyTree(Path.Combine(Fixtures.IdfProjects, "simple_ota_example"), "project");
        _temp.CopyTree(Fixtures.SimpleOtaBuild, Path.Combine("project", "build"));
        _caDir = _temp.Combine("dev-ca");
    }

    private string ProjectCaFile => Path.Combine(_project, "server_certs", "ca_cert.pem");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Serve_project_embeds_the_dev_CA_and_the_URL_and_a_device_built_from_them_downloads()
    {
        await using (var run = Serve.Start("serve", "--project", _project, "--port", "0", "--bind", "127.0.0.1", "--ca-dir", _caDir, "--json"))
        {
            using var listening = JsonDocument.Parse(await run.WaitForLineAsync(l => l.Contains("\"event\":\"listening\"", StringComparison.Ordinal)));
            var start = listening.RootElement;
            var port = start.GetProperty("port").GetInt32();
            var url = $"https://127.0.0.1:{port}/blink.bin"; // app_bin of the build's project_description.json

            Assert.NotEqual(0, port);
            Assert.Equal(url, start.GetProperty("preferredUrl").GetString());
            Assert.Equal(Path.Combine(_project, "build"), start.GetProperty("root").GetString());
            Assert.Equal(PemCertificates.ReadFile(Path.Combine(_caDir, "ca.pem")).Single().Sha256, start.GetProperty("ca").GetProperty("sha256").GetString());
            Assert.Equal(64, start.GetProperty("serverCertificate").GetProperty("sha256").GetString()!.Length);
            var project = start.GetProperty("project");
            Assert.Equal(ProjectCaFile, project.GetProperty("caFile").GetString());
            Assert.True(project.GetProperty("caFileChanged").GetBoolean());
            Assert.Equal(UrlOption, project.GetProperty("urlOption").GetString());
            Assert.Equal(
                ["ESPR2650", "ESPR2652", "ESPR2653"],
                start.GetProperty("warnings").EnumerateArray().Select(w => w.GetProperty("code").GetString()).Order(StringComparer.Ordinal));

            // What the next build embeds: the CA file and the URL, read back the way the build reads them.
            Assert.Equal(start.GetProperty("ca").GetProperty("sha256").GetString(), PemCertificates.ReadFile(ProjectCaFile).Single().Sha256);
            var configured = SdkconfigProject.Open(_project).Effective(UrlOption)!;
            Assert.Equal(url, configured.Value.Text);
            Assert.EndsWith("sdkconfig.defaults", configured.File, StringComparison.Ordinal);
            Assert.Contains($"{UrlOption}=\"{url}\"\n", File.ReadAllText(Path.Combine(_project, "sdkconfig.defaults")), StringComparison.Ordinal);

            var device = await DeviceSim.GetAsync(new Uri(configured.Value.Text!), ProjectCaFile);
            Assert.True(device.ExitCode == DeviceSim.ExitOk, device.ToString());
            Assert.Equal(ServerHarness.FirmwareSha, device.Sha256);

            using var request = JsonDocument.Parse(await run.WaitForLineAsync(l => l.Contains("\"event\":\"request\"", StringComparison.Ordinal)));
            Assert.Equal("/blink.bin", request.RootElement.GetProperty("target").GetString());
            Assert.Equal("127.0.0.1", request.RootElement.GetProperty("client").GetString());

            var (exit, lines, _) = await run.StopAsync();
            Assert.Equal(0, exit);
            Assert.Equal("{\"event\":\"stopped\"}", lines[^1]);
            Assert.All(lines, l => JsonDocument.Parse(l).Dispose()); // every line is one JSON document
        }

        // Again on the same port: nothing to change, so nothing to rebuild.
        var port2 = new Uri(SdkconfigProject.Open(_project).Effective(UrlOption)!.Value.Text!).Port;
        await using var again = Serve.Start("serve", "--project", _project, "--port", port2.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--ca-dir", _caDir);
        await again.WaitForLineAsync(l => l.StartsWith("One log line", StringComparison.Ordinal));
        var (exit2, text, errors) = await again.StopAsync();
        var output = string.Join('\n', text);
        Assert.Equal(0, exit2);
        Assert.Contains($"  https://127.0.0.1:{port2}/blink.bin  preferred: the first address it listens on (--bind)", output, StringComparison.Ordinal);
        Assert.Contains($"  CA file {ProjectCaFile}, found via main/CMakeLists.txt (EMBED_TXTFILES): already holds the development CA", output, StringComparison.Ordinal);
        Assert.Contains($"sdkconfig.defaults: {UrlOption}=\"https://127.0.0.1:{port2}/blink.bin\"  [unchanged]", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ESPR2653", errors, StringComparison.Ordinal);
        Assert.Contains("warning ESPR2650", errors, StringComparison.Ordinal);
        Assert.Equal("Stopped.", text[^1]);
    }

    [Fact]
    public async Task Before_the_first_build_the_URL_names_the_image_idf_py_will_write()
    {
        Directory.Delete(Path.Combine(_project, "build"), recursive: true);
        await using var run = Serve.Start("serve", "--project", _project, "--port", "0", "--bind", "::1", "--ca-dir", _caDir, "--json");

        using var listening = JsonDocument.Parse(await run.WaitForLineAsync(l => l.Contains("\"event\":\"listening\"", StringComparison.Ordinal)));

        var start = listening.RootElement;
        Assert.Equal("simple_ota.bin", start.GetProperty("file").GetString()); // project(simple_ota) in CMakeLists.txt
        Assert.False(start.GetProperty("fileExists").GetBoolean());
        Assert.Equal($"https://[::1]:{start.GetProperty("port").GetInt32()}/simple_ota.bin", start.GetProperty("preferredUrl").GetString());
        Assert.Contains(start.GetProperty("warnings").EnumerateArray(), w => w.GetProperty("code").GetString() == "ESPR2651");
        Assert.True(Directory.Exists(Path.Combine(_project, "build")));
        Assert.Equal(0, (await run.StopAsync()).Exit);
    }

    [Fact]
    public async Task A_port_in_use_and_bad_arguments_are_refused_with_the_fix()
    {
        using var occupied = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        occupied.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        occupied.Listen();
        var port = ((IPEndPoint)occupied.LocalEndPoint!).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var site = _temp.Combine("project", "build");

        var inUse = await Serve.RunAsync("serve", site, "--port", port, "--bind", "127.0.0.1", "--ca-dir", _caDir, "--json");
        var badBind = await Serve.RunAsync("serve", site, "--bind", "localhost", "--ca-dir", _caDir);
        var nothing = await Serve.RunAsync("serve", "--ca-dir", _caDir);
        var outside = await Serve.RunAsync("serve", site, "--file", "../sdkconfig.defaults", "--ca-dir", _caDir);
        var badPort = await Serve.RunAsync("serve", site, "--port", "70000");
        var wordPort = await Serve.RunAsync("serve", site, "--port", "http");
        var missing = await Serve.RunAsync("serve", _temp.Combine("missing"), "--ca-dir", _caDir);

        Assert.Equal(3, inUse.Exit);
        Assert.Contains($"error ESPR1650: 127.0.0.1:{port}: expected a free port, found it in use", inUse.Err, StringComparison.Ordinal);
        using (var failed = JsonDocument.Parse(inUse.Out.Trim()))
        {
            Assert.Equal("failed", failed.RootElement.GetProperty("event").GetString());
            Assert.Equal("ESPR1650", failed.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        }

        Assert.Equal((1, true), (badBind.Exit, badBind.Err.Contains("error ESPR1653: --bind \"localhost\": expected an IP address", StringComparison.Ordinal)));
        Assert.Equal((1, true), (nothing.Exit, nothing.Err.Contains("error ESPR1652:", StringComparison.Ordinal)));
        Assert.Equal((1, true), (outside.Exit, outside.Err.Contains("error ESPR1656: --file \"../sdkconfig.defaults\": expected a file inside the served folder", StringComparison.Ordinal)));
        Assert.Equal((1, true), (missing.Exit, missing.Err.Contains($"error ESPR1652: {_temp.Combine("missing")}: expected the folder to serve", StringComparison.Ordinal)));
        Assert.Equal((1, true), (badPort.Exit, badPort.Err.Contains("--port: expected 0-65535", StringComparison.Ordinal)));
        Assert.Equal((1, true), (wordPort.Exit, wordPort.Err.Contains("--port: expected 0-65535 (0: any free port), found \"http\"", StringComparison.Ordinal)));
        Assert.DoesNotContain("   at ", inUse.Err + badBind.Err + nothing.Err + outside.Err + wordPort.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Other_commands_never_load_ASP_NET_Core_or_the_dev_server()
    {
        // The CLI in a load context of its own, which sees every assembly the CLI's code asks for.
        var context = new RecordingLoadContext();
        var cli = context.LoadFromAssemblyPath(Path.Combine(AppContext.BaseDirectory, "esp-release.dll"));
        async Task<int> Run(params string[] args)
        {
            var root = (RootCommand)cli.GetType("EspRelease.Cli.EspReleaseRootCommand", throwOnError: true)!.GetMethod("Create")!.Invoke(null, [args.Length > 0 ? args[0] : null])!;
            return await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = TextWriter.Null, Error = TextWriter.Null });
        }

        Assert.Equal(0, await Run("inspect", Path.Combine(Fixtures.SimpleOtaBuild, "blink.bin")));
        Assert.Equal(0, await Run("serve", "--help"));
        Assert.Equal(0, await Run("sdkconfig", "get", "EXAMPLE_FIRMWARE_UPGRADE_URL", "--project", _project));
        Assert.DoesNotContain(context.Requested, IsServerAssembly);

        // The control: running serve does load them (here it stops at once: the folder does not exist).
        Assert.Equal(1, await Run("serve", _temp.Combine("missing"), "--ca-dir", _caDir));
        Assert.Contains(context.Requested, IsServerAssembly);

        static bool IsServerAssembly(string name) => name == "EspRelease.DevServer" || name.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_stops_the_tool_cleanly()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGINT is a POSIX signal; System.CommandLine maps Ctrl+C on Windows to the same token.
        }

        // Ctrl+C reaches a foreground process, whose SIGINT is not ignored; a test run started as a
        // background job inherits an ignored SIGINT, so the tool is started the way a terminal would.
        var (exit, output, errors) = await ServeUntilSignalAsync("INT", ["--default-signal=INT"]);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.EndsWith("Stopped.", output.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGTERM_stops_the_tool_cleanly_even_when_SIGINT_is_ignored()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // What a service manager (systemd, docker stop) sends to a server started in the background.
        var (exit, output, errors) = await ServeUntilSignalAsync("TERM", ["--ignore-signal=INT"]);

        Assert.True(exit == 0, $"exit {exit}\n{output}\n{errors}");
        Assert.EndsWith("Stopped.", output.Trim(), StringComparison.Ordinal);
    }

    // Starts `serve` as a child process (through env(1), to set its signal dispositions), waits for it
    // to listen, sends the signal, and returns what it printed. Every wait is bounded: a tool that
    // ignores the signal fails the test with its output instead of hanging the run.
    private async Task<(int Exit, string Output, string Errors)> ServeUntilSignalAsync(string signal, string[] dispositions)
    {
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in dispositions.Concat([Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", Path.Combine(AppContext.BaseDirectory, "esp-release.dll"), "serve", _temp.Combine("project", "build"), "--port", "0", "--bind", "127.0.0.1", "--ca-dir", _caDir]))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var output = new StringBuilder();
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                output.AppendLine(line);

                // The signal goes at the first line serve prints, while it is still starting: that is
                // when System.CommandLine had not yet registered its handler and the runtime's default
                // action ended the process with 143 (40 of 40 runs on a loaded machine).
                break;
            }

            // kill(2) itself, not kill(1): a child process would take milliseconds, enough to miss the window.
            Assert.Equal(0, Kill(process.Id, signal == "INT" ? 2 : 15));

            output.Append(await process.StandardOutput.ReadToEndAsync(limit.Token));
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, output.ToString(), await stderr);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"serve did not stop within 60 s of SIG{signal}:\n{output}");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private sealed class RecordingLoadContext() : AssemblyLoadContext("esp-release-cli", isCollectible: true)
    {
        private readonly List<string> _requested = [];

        public IReadOnlyList<string> Requested
        {
            get
            {
                lock (_requested)
                {
                    return [.. _requested];
                }
            }
        }

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            lock (_requested)
            {
                _requested.Add(assemblyName.Name!);
            }

            return null; // the default context's copy, so System.CommandLine's types are the test's
        }
    }

    /// <summary>One in-process run of the command tree, with its output readable line by line while it runs.</summary>
    private sealed class Serve : IAsyncDisposable
    {
        private readonly LineWriter _out = new();
        private readonly StringWriter _err = new();
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<int> _exit;

        private Serve(string[] args)
        {
            var root = (RootCommand)Type.GetType("EspRelease.Cli.EspReleaseRootCommand, esp-release", throwOnError: true)!.GetMethod("Create")!.Invoke(null, [args.Length > 0 ? args[0] : null])!;
            _exit = root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = _out, Error = _err }, _stop.Token);
        }

        public static Serve Start(params string[] args) => new(args);

        public static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
        {
            await using var run = new Serve(args);
            var exit = await run._exit.WaitAsync(TimeSpan.FromSeconds(30));
            return (exit, string.Join('\n', run._out.Lines), run._err.ToString());
        }

        public async Task<string> WaitForLineAsync(Func<string, bool> match)
        {
            try
            {
                return await _out.WaitForAsync(match, _exit, TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException e)
            {
                throw new TimeoutException($"{e.Message}\n--- stdout\n{string.Join('\n', _out.Lines)}\n--- stderr\n{_err}", e);
            }
        }

        public async Task<(int Exit, IReadOnlyList<string> Lines, string Err)> StopAsync()
        {
            await _stop.CancelAsync();
            var exit = await _exit.WaitAsync(TimeSpan.FromSeconds(30));
            return (exit, _out.Lines, _err.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            if (!_exit.IsCompleted)
            {
                await StopAsync();
            }

            _stop.Dispose();
            _out.Dispose();
            _err.Dispose();
        }
    }

    /// <summary>A TextWriter whose complete lines a test can wait for.</summary>
    private sealed class LineWriter : TextWriter
    {
        private readonly StringBuilder _partial = new();
        private readonly List<string> _lines = [];
        private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override Encoding Encoding => Encoding.UTF8;

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public override void Write(char value)
        {
            TaskCompletionSource? changed = null;
            lock (_lines)
            {
                if (value == '\n')
                {
                    _lines.Add(_partial.ToString().TrimEnd('\r'));
                    _partial.Clear();
                    changed = _changed;
                    _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                else
                {
                    _partial.Append(value);
                }
            }

            changed?.TrySetResult();
        }

        public async Task<string> WaitForAsync(Func<string, bool> match, Task finished, TimeSpan timeout)
        {
            var deadline = Task.Delay(timeout);
            while (true)
            {
                Task changed;
                lock (_lines)
                {
                    if (_lines.FirstOrDefault(match) is { } line)
                    {
                        return line;
                    }

                    changed = _changed.Task;
                }

                if (await Task.WhenAny(changed, finished, deadline) != changed)
                {
                    lock (_lines)
                    {
                        if (_lines.FirstOrDefault(match) is { } line)
                        {
                            return line;
                        }
                    }

                    throw new TimeoutException(finished.IsCompleted ? "the command ended before printing the line" : "the line did not come in time");
                }
            }
        }
    }
}
