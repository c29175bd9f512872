using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor.DeviceLog;

/// <summary>
/// One entry of the doctor's table: the lines the device prints (as ESP-IDF's format strings word
/// them), the cause in one sentence and its fix. The same entry writes the README's table.
/// </summary>
public sealed partial record DeviceLogRule
{
    private Regex[]? _regexes;

    public required string Code { get; init; }

    public Severity Severity { get; init; } = Severity.Error;

    /// <summary>What the README's table calls it.</summary>
    public required string Title { get; init; }

    /// <summary>Regular expressions for the device's lines; named groups are the values the cause quotes.</summary>
    public required IReadOnlyList<string> Patterns { get; init; }

    /// <summary>One line as the device prints it: the README shows it, and a test holds that this rule matches it.</summary>
    public required string Example { get; init; }

    /// <summary>The ESP-IDF source file that prints it (or the host that sends it).</summary>
    public required string Source { get; init; }

    /// <summary>The cause in one sentence; <c>{name}</c> is replaced by the value the pattern's group captured.</summary>
    public required string Cause { get; init; }

    /// <summary>Says more from the captured values (what a byte means, which chip an id is); appended to the cause.</summary>
    public Func<Match, string?>? Explain { get; init; }

    /// <summary>The fix: a command of this tool where one exists.</summary>
    public required string Fix { get; init; }

    public RuleRole Role { get; init; } = RuleRole.Cause;

    /// <summary>Rules of one family are lines of one failure (esp-tls's handshake lines); by default a rule is its own.</summary>
    public string? Family { get; init; }

    internal string FamilyOrCode => Family ?? Code;

    private Regex[] Regexes => _regexes ??= [.. Patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture, TimeSpan.FromSeconds(1)))];

    /// <summary>The first pattern's match in <paramref name="text"/>, or null.</summary>
    public Match? Match(string text) => Match(text, out _);

    /// <summary>The first pattern's match, and which pattern it was: two patterns of one rule are two lines of one attempt, one pattern twice is two attempts.</summary>
    public Match? Match(string text, out int pattern)
    {
        for (pattern = 0; pattern < Regexes.Length; pattern++)
        {
            var m = Regexes[pattern].Match(text);
            if (m.Success)
            {
                return m;
            }
        }

        pattern = -1;
        return null;
    }

    /// <summary>The cause with the values of this match filled in.</summary>
    public string CauseOf(Match match)
    {
        var cause = Placeholder().Replace(Cause, p =>
            match.Groups[p.Groups[1].Value] is { Success: true } g ? g.Value : "…");
        return Explain?.Invoke(match) is { Length: > 0 } more ? $"{cause} {more}" : cause;
    }

    /// <summary>The cause as the README shows it: placeholders read "…".</summary>
    public string CauseText => Placeholder().Replace(Cause, "…");

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();
}
