using System.ComponentModel;
using System.Diagnostics;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Versioning;

/// <summary>
/// What the version engine needs from a git work tree, read with three <c>git</c> processes however
/// long the history: the work tree and whether it is shallow, every commit reachable from HEAD with
/// its parents (in the order git stores them), and every tag with the commit it points to.
/// </summary>
public sealed class GitRepository
{
    /// <summary>Longer than any of the three reads takes on a repository with a million commits.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    private GitRepository(string directory, string workTree, bool shallow, string? head, Dictionary<string, string[]> parents, List<(string Name, string Sha)> tags)
    {
        Directory = directory;
        WorkTree = workTree;
        IsShallow = shallow;
        Head = head;
        Parents = parents;
        Tags = tags;
    }

    /// <summary>The directory the repository was opened from (absolute).</summary>
    public string Directory { get; }

    /// <summary>The top of the work tree (<c>git rev-parse --show-toplevel</c>).</summary>
    public string WorkTree { get; }

    /// <summary>True for a shallow clone: its oldest commits look parentless, so heights and tags past them are unknown.</summary>
    public bool IsShallow { get; }

    /// <summary>HEAD's commit; null in a repository without commits.</summary>
    public string? Head { get; }

    /// <summary>Each commit reachable from HEAD and its parents, first parent first.</summary>
    public IReadOnlyDictionary<string, string[]> Parents { get; }

    /// <summary>Every tag (name without refs/tags/) and the commit it names; an annotated tag is dereferenced.</summary>
    public IReadOnlyList<(string Name, string Sha)> Tags { get; }

    /// <exception cref="EspReleaseException">git is missing, the directory is not in a work tree, or git failed.</exception>
    public static GitRepository Open(string directory, TimeSpan? timeout = null)
    {
        var dir = Path.GetFullPath(directory);
        if (!System.IO.Directory.Exists(dir))
        {
            throw new EspReleaseException(DiagnosticCodes.FileNotFound,
                $"{dir}: expected a directory inside a git work tree, found no such directory. Pass the ESP-IDF project directory (or run the command in it).", dir, FailureKind.Usage);
        }

        var limit = timeout ?? DefaultTimeout;
        var (exit, info, error) = Run(dir, limit, null, "rev-parse", "--is-inside-work-tree", "--is-shallow-repository", "--show-toplevel");
        var lines = info.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (exit != 0 || lines.Length < 3 || lines[0] != "true")
        {
            throw NotARepository(dir, exit == 0 ? "a git directory without a work tree (bare, or inside .git)" : $"none (git says \"{FirstLine(error)}\")");
        }

        var shallow = lines[1] == "true";
        // %(*objectname) is the commit an annotated tag points to; empty for a lightweight tag. Read
        // while git log runs: the two are independent, and the log is most of the time spent.
        var tagRefs = Task.Run(() => Checked(dir, limit, null, "for-each-ref", "--format=%(refname:strip=2) %(objectname) %(*objectname)", "refs/tags"));
        // Parsed line by line as git writes it (a large history is megabytes of text); the first line is HEAD.
        string? head = null;
        var parents = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var (logExit, _, logError) = Run(dir, limit, line =>
        {
            var shas = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (shas.Length > 0)
            {
                head ??= shas[0];
                parents[shas[0]] = shas[1..];
            }
        }, "-c", "log.showSignature=false", "log", "--no-color", "--format=%H %P", "--");
        // `git log` (of HEAD) in a repository without commits is no failure: there is no version tag yet.
        if (logExit != 0 && !logError.Contains("does not have any commits yet", StringComparison.Ordinal))
        {
            throw Failed(dir, ["log"], logExit, logError);
        }

        var tags = new List<(string, string)>();
        var refs = tagRefs.GetAwaiter().GetResult();
        foreach (var line in refs.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split(' ');
            tags.Add((parts[0], parts.Length > 2 && parts[2].Length > 0 ? parts[2] : parts[1]));
        }

        return new GitRepository(dir, lines[2], shallow, head, parents, tags);
    }

    private static string Checked(string dir, TimeSpan limit, Action<string>? onLine, params string[] args)
    {
        var (exit, output, error) = Run(dir, limit, onLine, args);
        return exit == 0 ? output : throw Failed(dir, args, exit, error);
    }

    private static EspReleaseException Failed(string dir, string[] args, int exit, string error) =>
        new(DiagnosticCodes.GitFailed,
            $"{dir}: `git {string.Join(' ', args)}` was expected to succeed but exited {exit}: {FirstLine(error)}. Run it yourself in that directory to see why, fix the repository, then run esp-release again.", dir);

    // onLine: given each line of standard output as git writes it; the output is then not kept.
    private static (int Exit, string Output, string Error) Run(string dir, TimeSpan limit, Action<string>? onLine, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Messages we match must be git's English ones, and git must never wait for a password.
        start.Environment["LC_ALL"] = "C";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_OPTIONAL_LOCKS"] = "0";
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (Win32Exception e)
        {
            throw new EspReleaseException(DiagnosticCodes.GitNotInstalled,
                $"{dir}: the version is computed by running `git`, but no git program was found on PATH ({e.Message}). Install git (in CI images: `apt-get install git`), then run the command again.", dir, inner: e);
        }

        using (process)
        {
            var output = onLine is null ? process.StandardOutput.ReadToEndAsync() : Task.Run(() => ReadLines(process.StandardOutput, onLine));
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                throw new EspReleaseException(DiagnosticCodes.GitFailed,
                    $"{dir}: `git {string.Join(' ', args)}` was expected to finish within {limit.TotalSeconds:0} s, and had not. Check that the repository is on a local disk and not locked by another git process, then run the command again.", dir);
            }

            return (process.ExitCode, output.GetAwaiter().GetResult(), error.GetAwaiter().GetResult());
        }
    }

    private static string ReadLines(StreamReader reader, Action<string> onLine)
    {
        while (reader.ReadLine() is { } line)
        {
            onLine(line);
        }

        return "";
    }

    private static EspReleaseException NotARepository(string dir, string found)
    {
        // CI containers often run as another user than the checkout's owner; git then refuses the repository.
        var fix = found.Contains("dubious ownership", StringComparison.Ordinal)
            ? $"Trust the checkout: `git config --global --add safe.directory {dir}` (in a container, the checkout belongs to another user)"
            : "Run the command inside the project's git checkout (actions/checkout, or `git clone`), not in a copy of its files";
        return new EspReleaseException(DiagnosticCodes.GitNotARepository,
            $"{dir}: expected a directory inside a git work tree (the version comes from its tags), found {found}. {fix}, or pass the version yourself instead of computing it from git.", dir);
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() is { } line
            ? line.TrimEnd('.')
            : "no message from git";
}
