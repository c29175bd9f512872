namespace EspRelease.Cli;

/// <summary>Process exit codes, the same for every verb (1 is also what System.CommandLine returns for parse errors).</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int UsageError = 1;
    public const int Invalid = 2;
    public const int HostFailure = 3;

    /// <summary>A fault of esp-release itself (sysexits' EX_SOFTWARE): never expected, always reported with a message.</summary>
    public const int InternalError = 70;
}
