using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace EspRelease.MSBuild.Tests;

/// <summary>Points this process at the SDK's own MSBuild before any test can touch an MSBuild type.</summary>
internal static class MSBuildSetup
{
    /// <summary>
    /// Runs when the test assembly loads. The tests reference MSBuild without its runtime assets, so
    /// every Microsoft.Build assembly (the tasks' base classes included) must come from the SDK; the
    /// Locator's resolver supplies them, and it has to be registered before the first one loads.
    /// This method must not mention a Microsoft.Build type itself: the JIT would load that assembly
    /// while compiling the method, before RegisterDefaults ran.
    /// </summary>
    [ModuleInitializer]
    internal static void Register()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
