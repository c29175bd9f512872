using System.Globalization;
using System.Text;

namespace EspRelease.Action.Tests.Harness;

/// <summary>
/// GitHub's <c>${{ }}</c> expression language, as much of it as action.yml uses: contexts
/// (<c>inputs.x</c>, <c>steps.id.outputs.x</c>, <c>env.X</c>, …), string, boolean and null literals,
/// <c>! == != &amp;&amp; ||</c>, parentheses, and the status functions. Anything else throws
/// <see cref="NotSupportedException"/>: a harness that guessed would pass an action the runner rejects.
/// Values are <c>string</c>, <c>bool</c>, <c>double</c> or null, compared the way GitHub documents.
/// </summary>
public sealed class Expression
{
    private readonly ExpressionScanner _scanner;
    private readonly Func<IReadOnlyList<string>, object?> _context;
    private readonly Func<string, bool> _status;

    private Expression(string text, Func<IReadOnlyList<string>, object?> context, Func<string, bool> status)
    {
        _scanner = new ExpressionScanner(text);
        _context = context;
        _status = status;
    }

    /// <param name="text">The expression, without its <c>${{ }}</c>.</param>
    /// <param name="context">A context path (<c>["steps", "run", "outputs", "ok"]</c>) to its value.</param>
    /// <param name="status">A status function's name (always, success, failure) to its value.</param>
    public static object? Evaluate(string text, Func<IReadOnlyList<string>, object?> context, Func<string, bool> status)
    {
        var e = new Expression(text, context, status);
        var value = e.Or();
        if (!e._scanner.AtEnd)
        {
            throw e._scanner.Unsupported("unexpected text");
        }

        return value;
    }

    /// <summary>A string with <c>${{ }}</c> in it, each replaced by its value as a string.</summary>
    public static string Interpolate(string text, Func<IReadOnlyList<string>, object?> context, Func<string, bool> status)
    {
        var result = new StringBuilder();
        var at = 0;
        while (text.IndexOf("${{", at, StringComparison.Ordinal) is var open and >= 0)
        {
            var close = text.IndexOf("}}", open, StringComparison.Ordinal);
            if (close < 0)
            {
                throw new NotSupportedException($"'{text}': ${{{{ without }}}}");
            }

            result.Append(text, at, open - at).Append(AsString(Evaluate(text[(open + 3)..close], context, status)));
            at = close + 2;
        }

        return result.Append(text, at, text.Length - at).ToString();
    }

    /// <summary>Whether a text holds an expression at all.</summary>
    public static bool HasExpression(string text) => text.Contains("${{", StringComparison.Ordinal);

    public static bool IsTruthy(object? value) => value switch
    {
        null => false,
        bool b => b,
        string s => s.Length > 0,
        double d => d != 0 && !double.IsNaN(d),
        _ => throw new NotSupportedException($"value {value}"),
    };

    public static string AsString(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string s => s,
        double d => d.ToString(CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException($"value {value}"),
    };

    // a || b yields the first truthy operand (or the last), a && b the first falsy one, as GitHub's do.
    private object? Or()
    {
        var left = And();
        while (Take("||"))
        {
            var right = And();
            left = IsTruthy(left) ? left : right;
        }

        return left;
    }

    private object? And()
    {
        var left = Equality();
        while (Take("&&"))
        {
            var right = Equality();
            left = IsTruthy(left) ? right : left;
        }

        return left;
    }

    private object? Equality()
    {
        var left = Unary();
        while (true)
        {
            if (Take("=="))
            {
                left = AreEqual(left, Unary());
            }
            else if (Take("!="))
            {
                left = !AreEqual(left, Unary());
            }
            else
            {
                return left;
            }
        }
    }

    private object? Unary() => Take("!") ? !IsTruthy(Unary()) : Primary();

    private object? Primary()
    {
        if (Take("("))
        {
            var inner = Or();
            return Take(")") ? inner : throw Unsupported("')' expected");
        }

        if (_scanner.Peek() == '\'')
        {
            return _scanner.StringLiteral();
        }

        var name = _scanner.Identifier() ?? throw Unsupported("an operand expected");
        if (Take("("))
        {
            if (!Take(")") || name is not ("always" or "success" or "failure"))
            {
                throw Unsupported($"the function {name}(…)");
            }

            return _status(name);
        }

        switch (name)
        {
            case "true":
                return true;
            case "false":
                return false;
            case "null":
                return null;
        }

        var path = new List<string> { name };
        while (_scanner.Peek() == '.')
        {
            _scanner.Skip();
            path.Add(_scanner.Identifier() ?? throw Unsupported("a property name expected after '.'"));
        }

        if (_scanner.Peek() is '[' or '*')
        {
            throw Unsupported("index or filter syntax");
        }

        return _context(path);
    }

    // GitHub: strings compare ignoring case; values of different types are compared as numbers.
    private static bool AreEqual(object? a, object? b) => (a, b) switch
    {
        (string x, string y) => string.Equals(x, y, StringComparison.OrdinalIgnoreCase),
        (bool x, bool y) => x == y,
        (null, null) => true,
        _ => ToNumber(a) == ToNumber(b),
    };

    private static double ToNumber(object? value) => value switch
    {
        null => 0,
        bool b => b ? 1 : 0,
        double d => d,
        string s when s.Trim().Length == 0 => 0,
        string s => double.TryParse(s.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d : double.NaN,
        _ => double.NaN,
    };

    // Shorthands: the grammar above reads mostly as Take and Unsupported.
    private bool Take(string token) => _scanner.Take(token);

    private NotSupportedException Unsupported(string what) => _scanner.Unsupported(what);
}
