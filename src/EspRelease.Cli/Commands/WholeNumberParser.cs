using System.CommandLine.Parsing;
using System.Globalization;

namespace EspRelease.Cli.Commands;

/// <summary>
/// Whole-number options and arguments, refused at parse time with a usage error when the text is not a
/// number in range. Parsed here rather than checked in a validator: a validator that reads a value the
/// parser could not convert ("abc") throws, and the user would get a stack trace.
/// </summary>
internal static class WholeNumberParser
{
    /// <param name="result">The token(s) given; the last one counts.</param>
    /// <param name="name">The option or argument, as the user typed it.</param>
    /// <param name="min">Lowest value accepted.</param>
    /// <param name="max">Highest value accepted.</param>
    /// <param name="expected">How to say the range in the error, e.g. "0-65535 (0: any free port)".</param>
    public static int? Parse(ArgumentResult result, string name, int min, int max, string expected)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{name}: expected {expected}, found \"{text}\".");
        return null;
    }
}
