using System.Text;

namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// The tokens of a <see cref="Expression"/>: operators, identifiers and string literals, read from the
/// text one at a time, with whitespace between them skipped.
/// </summary>
internal sealed class ExpressionScanner(string text)
{
    private int _at;

    /// <summary>Only whitespace is left.</summary>
    public bool AtEnd
    {
        get
        {
            SkipSpace();
            return _at == text.Length;
        }
    }

    public string StringLiteral()
    {
        var s = new StringBuilder();
        _at++;
        while (_at < text.Length)
        {
            var c = text[_at++];
            if (c != '\'')
            {
                s.Append(c);
            }
            else if (Peek() == '\'')
            {
                s.Append('\'');
                _at++;
            }
            else
            {
                return s.ToString();
            }
        }

        throw Unsupported("unterminated string");
    }

    public string? Identifier()
    {
        SkipSpace();
        var start = _at;
        while (_at < text.Length && (char.IsAsciiLetterOrDigit(text[_at]) || text[_at] is '_' or '-'))
        {
            _at++;
        }

        if (_at == start)
        {
            return null;
        }

        var name = text[start.._at];
        return char.IsAsciiLetter(name[0]) || name[0] == '_' ? name : throw Unsupported($"'{name}' (numbers are not supported)");
    }

    public bool Take(string token)
    {
        SkipSpace();
        if (string.CompareOrdinal(text, _at, token, 0, token.Length) != 0)
        {
            return false;
        }

        // "!" is not the start of "!=", and "==" not of "===".
        if (token == "!" && Peek(1) == '=')
        {
            return false;
        }

        _at += token.Length;
        return true;
    }

    public char Peek(int ahead = 0) => _at + ahead < text.Length ? text[_at + ahead] : '\0';

    /// <summary>Steps over the character <see cref="Peek"/> gave.</summary>
    public void Skip() => _at++;

    public NotSupportedException Unsupported(string what) =>
        new($"expression '{text}': {what} at offset {_at}; the action harness does not evaluate it (extend it, or the runner may read it otherwise)");

    private void SkipSpace()
    {
        while (_at < text.Length && char.IsWhiteSpace(text[_at]))
        {
            _at++;
        }
    }
}
