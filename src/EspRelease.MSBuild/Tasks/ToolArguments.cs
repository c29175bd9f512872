using System.Collections.Generic;
using System.Text;

namespace EspRelease.MSBuild.Tasks;

/// <summary>
/// An esp-release response file: the tokens on one line, each quoted when it holds whitespace.
/// System.CommandLine splits a response-file line the way a shell splits a command line, and
/// ToolTask logs the file's text after the command, so the log shows a command one can paste.
/// </summary>
public sealed class ToolArguments
{
    private readonly List<string> _tokens = [];

    public IReadOnlyList<string> Tokens => _tokens;

    public void Add(string token) => _tokens.Add(token);

    /// <summary>Adds <c>name value</c> unless the value is empty (the tool then uses its own default).</summary>
    public void AddOption(string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            _tokens.Add(name);
            _tokens.Add(value!);
        }
    }

    /// <summary>Adds <c>name value</c> once per value.</summary>
    public void AddOptions(string name, IEnumerable<string> values)
    {
        foreach (var value in values)
        {
            AddOption(name, value);
        }
    }

    /// <summary>Adds the switch when it is on.</summary>
    public void AddFlag(string name, bool on)
    {
        if (on)
        {
            _tokens.Add(name);
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var token in _tokens)
        {
            text.Append(text.Length == 0 ? "" : " ").Append(NeedsQuotes(token) ? "\"" + token + "\"" : token);
        }

        return text.Append('\n').ToString();
    }

    private static bool NeedsQuotes(string token)
    {
        if (token.Length == 0)
        {
            return true;
        }

        foreach (var c in token)
        {
            if (char.IsWhiteSpace(c))
            {
                return true;
            }
        }

        return false;
    }
}
