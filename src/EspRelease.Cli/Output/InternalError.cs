using System.Text.RegularExpressions;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Output;

/// <summary>
/// What an exception that is not a typed error becomes: one diagnostic that says it is
/// esp-release's fault, not the input's, with the type and message (secrets masked) and how to
/// report it. The stack trace is shown only with <c>ESP_RELEASE_DEBUG=1</c>.
/// </summary>
internal static partial class InternalError
{
    public const string DebugVariable = "ESP_RELEASE_DEBUG";

    public static Diagnostic Describe(Exception e, string command) =>
        new(DiagnosticCodes.InternalError, Severity.Error,
            $"internal error while running `esp-release {command}`: {e.GetType().Name}: {Mask(e.Message)} This is a fault in esp-release, not in your input; please report it with the command line and this message{(Debugging ? "" : $" (set {DebugVariable}=1 for the stack trace)")}.");

    /// <summary>Writes the diagnostic, and with <c>ESP_RELEASE_DEBUG=1</c> the exception itself.</summary>
    public static void Write(DiagnosticWriter diagnostics, TextWriter stderr, Exception e, string command)
    {
        diagnostics.Write(Describe(e, command));
        if (Debugging)
        {
            stderr.WriteLine(Mask(e.ToString()));
        }
    }

    private static bool Debugging => Environment.GetEnvironmentVariable(DebugVariable) is "1" or "true";

    // A SAS signature or an account key can sit in a URL or connection string that an exception quotes.
    private static string Mask(string text) => Secrets().Replace(text, m => m.Groups[1].Value + "<redacted>");

    [GeneratedRegex(@"((?:sig|AccountKey|SharedAccessSignature)=)[^&;\s""']+", RegexOptions.IgnoreCase)]
    private static partial Regex Secrets();
}
