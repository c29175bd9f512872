using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Doctor;

/// <summary>
/// What one check against the live server gave: the failure it reproduced, or why it could not run
/// (a server that cannot be reached is never a guess), and what it saw either way.
/// </summary>
/// <param name="Finding">The failure the device would meet; null when none was found or the check could not run.</param>
/// <param name="NotChecked">Why the check could not run; null when it ran.</param>
/// <param name="Evidence">What was checked and found (also when it passed).</param>
internal sealed record LiveCheck(DoctorFinding? Finding, Diagnostic? NotChecked, string Evidence)
{
    public static LiveCheck Passed(string evidence) => new(null, null, evidence);

    public static LiveCheck Failed(DoctorFinding finding) => new(finding, null, finding.Evidence ?? finding.Cause);

    public static LiveCheck CouldNotRun(Diagnostic why) => new(null, why, why.Message);
}
