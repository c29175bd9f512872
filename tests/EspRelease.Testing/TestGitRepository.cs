using System.Diagnostics;
using System.Globalization;

namespace EspRelease.Testing;

/// <summary>
/// A real git repository made with the git CLI, isolated from the machine's configuration (no global
/// or system config, a fixed identity, one-minute-apart dates), so every run builds the same graph.
/// </summary>
public sealed class TestGitRepository
{
    private static readonly DateTimeOffset _epoch = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private int _commits;

    /// <summary>Runs <c>git init</c> in <paramref name="path"/> (created when missing), on branch main.</summary>
    public TestGitRepository(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Git("init", "--quiet", "--initial-branch=main");
    }

    public string Path { get; }

    /// <summary>Commits a new line in &lt;message&gt;.txt (so branches with other messages merge cleanly); returns the commit's SHA.</summary>
    public string Commit(string message = "change")
    {
        _commits++;
        var file = message + ".txt";
        File.AppendAllText(System.IO.Path.Combine(Path, file), $"{message} {_commits}\n");
        Git("add", "--", file);
        Git("commit", "--quiet", "-m", message);
        return Head;
    }

    /// <summary>Commits <paramref name="count"/> times; returns the last SHA.</summary>
    public string Commits(int count)
    {
        var sha = "";
        for (var i = 0; i < count; i++)
        {
            sha = Commit();
        }

        return sha;
    }

    public string Head => Git("rev-parse", "HEAD").Trim();

    /// <summary>A lightweight tag, or an annotated one with <paramref name="annotated"/>, on HEAD or <paramref name="target"/>.</summary>
    public void Tag(string name, bool annotated = false, string target = "HEAD") =>
        Git(annotated ? ["tag", "-a", "-m", name, name, target] : ["tag", name, target]);

    public void Branch(string name) => Git("checkout", "--quiet", "-b", name);

    public void Checkout(string name) => Git("checkout", "--quiet", name);

    /// <summary>A merge commit (never fast-forward) of <paramref name="branch"/> into the current branch.</summary>
    public string Merge(string branch)
    {
        _commits++;
        Git("merge", "--quiet", "--no-ff", "--no-edit", branch);
        return Head;
    }

    /// <summary>Runs git in the repository; throws with git's stderr when it fails.</summary>
    public string Git(params string[] args) => Run(Path, _epoch.AddMinutes(_commits), args);

    /// <summary>Runs git in <paramref name="directory"/> with this class's isolation (for clones).</summary>
    public static string Run(string directory, DateTimeOffset when, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var date = when.ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        start.Environment["GIT_AUTHOR_DATE"] = start.Environment["GIT_COMMITTER_DATE"] = date;
        start.Environment["LC_ALL"] = "C";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(1)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"git {string.Join(' ', args)} did not finish within a minute.");
        }

        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"git {string.Join(' ', args)} exited {process.ExitCode}: {error.Result}");
    }

    /// <summary>A shallow clone (depth 1) of this repository through file://, of <paramref name="branch"/> when given.</summary>
    public string ShallowClone(string target, string? branch = null)
    {
        var uri = new Uri(Path).AbsoluteUri;
        Run(System.IO.Path.GetDirectoryName(target)!, _epoch, branch is null
            ? ["clone", "--quiet", "--depth", "1", uri, target]
            : ["clone", "--quiet", "--depth", "1", "--branch", branch, uri, target]);
        return target;
    }
}
