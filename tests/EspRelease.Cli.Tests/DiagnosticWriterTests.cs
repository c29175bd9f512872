using EspRelease.Cli.Output;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Cli.Tests;

/// <summary>The machine formats of diagnostics: what MSBuild's canonical-error parser and GitHub's workflow commands accept.</summary>
public sealed class DiagnosticWriterTests
{
    [Fact]
    public void A_diagnostic_about_a_URL_is_an_MSBuild_error_of_the_tool_not_of_an_unparsable_origin()
    {
        var text = Write(DiagnosticsFormat.MSBuild, new Diagnostic("ESPR1922", Severity.Error, "https://127.0.0.1:8070/x: no TLS.", "https://127.0.0.1:8070/x"));

        Assert.Equal("esp-release : error ESPR1922: https://127.0.0.1:8070/x: no TLS.", text);
    }

    [Fact]
    public void A_diagnostic_about_a_file_keeps_the_file_as_its_origin()
    {
        Assert.Equal("build/blink.bin : warning ESPR2101: scheme.", Write(DiagnosticsFormat.MSBuild, new Diagnostic("ESPR2101", Severity.Warning, "scheme.", "build/blink.bin")));
    }

    [Theory]
    [InlineData("build/blink.bin", "::error file=build/blink.bin,title=ESPR1107::bad checksum.")]
    [InlineData(null, "::error title=ESPR1107::bad checksum.")]
    [InlineData("https://host/x", "::error title=ESPR1107::bad checksum.")]
    public void GitHub_annotations_are_well_formed_with_and_without_a_file(string? file, string expected)
    {
        Assert.Equal(expected, Write(DiagnosticsFormat.GitHub, new Diagnostic("ESPR1107", Severity.Error, "bad checksum.", file)));
    }

    private static string Write(DiagnosticsFormat format, Diagnostic diagnostic)
    {
        var error = new StringWriter();
        new DiagnosticWriter(error, format).Write(diagnostic);
        return error.ToString().TrimEnd();
    }
}
