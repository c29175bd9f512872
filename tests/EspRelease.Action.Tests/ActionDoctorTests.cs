using EspRelease.Testing;

namespace EspRelease.Action.Tests;

/// <summary>The action's doctor command: the device's failures predicted for a project in the workspace, as a CI gate before anything is flashed.</summary>
public sealed class ActionDoctorTests : IDisposable
{
    private readonly ActionHarness _h = new();
    private readonly TempDirectory _projects = new();

    public void Dispose()
    {
        _projects.Dispose();
        _h.Dispose();
    }

    [Fact]
    public void A_project_with_verification_switched_off_fails_the_step_with_an_annotation_and_the_cause_in_the_summary()
    {
        Project("ota-project", ["CONFIG_ESP_TLS_INSECURE=y", "CONFIG_ESP_TLS_SKIP_SERVER_CERT_VERIFY=y"]);

        var run = _h.Run(new() { ["command"] = "doctor", ["project-dir"] = "ota-project" });

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains(run.Annotations, a => a.Name == "error" && a.Properties.GetValueOrDefault("title") == "ESPR1983");
        Assert.Contains("## esp-release doctor", run.Summary, StringComparison.Ordinal);
        Assert.Contains("`ESPR1983`", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void A_project_with_nothing_to_predict_passes()
    {
        Project("ota-project", []);

        var run = _h.Run(new() { ["command"] = "doctor", ["project-dir"] = "ota-project" });

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("true", run.Outputs["ok"]);
        Assert.Equal("0", run.StepOutputs["run"]["findings"]);
    }

    // The OTA example project with no firmware URL yet (FROM_STDIN): the checks that need one are skipped.
    private void Project(string name, string[] sdkconfig)
    {
        var made = DoctorProject.Create(_projects, TestPki.CreateRoot("Action Doctor Root"), "FROM_STDIN", sdkconfig);
        Directory.Move(made, Path.Combine(_h.Workspace, name));
    }
}
