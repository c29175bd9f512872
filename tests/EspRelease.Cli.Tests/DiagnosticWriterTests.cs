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

    [Fact]
    public void GitHub_annotations_escape_what_the_runner_decodes_and_carry_the_line()
    {
        var text = Write(DiagnosticsFormat.GitHub, new Diagnostic("ESPR1301", Severity.Error, "100% off\nsecond line\r", "a,b:c/sdkconfig") { Line = 42 });

        Assert.Equal("::error file=a%2Cb%3Ac/sdkconfig,line=42,title=ESPR1301::100%25 off%0Asecond line%0D", text);
    }

    [Fact]
    public void GitHub_annotations_name_files_relative_to_the_workspace_and_leave_others_whole()
    {
        var workspace = Path.Combine(Path.GetTempPath(), "ws");
        var inside = Path.Combine(workspace, "firmware", "build", "blink.bin");
        var outside = Path.Combine(Path.GetTempPath(), "elsewhere", "blink.bin");

        Assert.Equal("::error file=firmware/build/blink.bin,title=ESPR1107::x", Write(DiagnosticsFormat.GitHub, new Diagnostic("ESPR1107", Severity.Error, "x", inside), workspace));
        Assert.Equal($"::error file={outside},title=ESPR1107::x", Write(DiagnosticsFormat.GitHub, new Diagnostic("ESPR1107", Severity.Error, "x", outside), workspace));
    }

    [Fact]
    public void An_MSBuild_diagnostic_with_a_line_puts_it_in_the_canonical_origin()
    {
        Assert.Equal("sdkconfig(7) : error ESPR1301: insecure.", Write(DiagnosticsFormat.MSBuild, new Diagnostic("ESPR1301", Severity.Error, "insecure.", "sdkconfig") { Line = 7 }));
    }

    private static string Write(DiagnosticsFormat format, Diagnostic diagnostic, string? workspace = null)
    {
        var error = new StringWriter();
        new DiagnosticWriter(error, format, workspace).Write(diagnostic);
        return error.ToString().TrimEnd();
    }
}
