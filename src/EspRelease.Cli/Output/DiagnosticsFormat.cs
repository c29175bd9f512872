namespace EspRelease.Cli.Output;

internal enum DiagnosticsFormat
{
    Text,
    MSBuild,
    GitHub,
}
