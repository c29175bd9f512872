namespace EspRelease.Action.Tests;

/// <summary>The action run as the runner runs it, with the test build's esp-release (tool-path), on the fixture build.</summary>
public sealed class ActionRunTests : IDisposable
{
    private readonly ActionHarness _h = new();

    public void Dispose() => _h.Dispose();

    private Dictionary<string, string> Publish(string site) => new()
    {
        ["command"] = "publish",
        ["build-dir"] = "firmware/build",
        ["host"] = $"dir:{site}",
        ["key"] = _h.KeyPem,
        ["version"] = ActionHarness.FixtureVersion,
        ["extra-args"] = "--allow-non-semver",
    };

    [Fact]
    public void Publish_to_a_folder_gives_the_release_outputs_a_summary_table_and_no_trace_of_the_key()
    {
        var run = _h.Run(Publish("site"));

        Assert.True(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("true", run.Outputs["ok"]);
        Assert.Equal(ActionHarness.FixtureVersion, run.Outputs["version"]);
        Assert.Matches("^[0-9a-f]{64}$", run.Outputs["sha256"]);
        Assert.Matches("^[1-9][0-9]*$", run.Outputs["size"]);
        Assert.True(File.Exists(run.Outputs["manifest"]), run.ToString());
        Assert.True(Directory.Exists(run.Outputs["release-dir"]), run.ToString());
        Assert.NotEmpty(run.Outputs["key-id"]);
        Assert.True(File.Exists(Path.Combine(_h.Workspace, "site", "channels", "stable.jws")), run.ToString());
        // The tool's own outputs, not the action's guesses: the run step wrote them.
        Assert.Equal("0", run.StepOutputs["run"]["exit-code"]);

        Assert.Contains("## esp-release publish", run.Summary, StringComparison.Ordinal);
        Assert.Contains("✅", run.Summary, StringComparison.Ordinal);
        Assert.Contains("| | |", run.Summary, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\| Version \| .*qa-test-v5\.0-20220830-4-g4532e6.* \|$", run.Summary);
        Assert.Matches(@"(?m)^\| SHA-256 \| .*" + run.Outputs["sha256"] + @".* \|$", run.Summary);
        Assert.NotEmpty(run.Masks);
        // tool-path: nothing to restore from the cache.
        Assert.Empty(run.UsesSteps);
    }

    [Fact]
    public void Publish_with_a_rollout_stages_the_release_and_says_the_percent()
    {
        var inputs = Publish("site");
        inputs["rollout"] = "10";

        var run = _h.Run(inputs);

        Assert.True(run.Succeeded, run.ToString());
        Assert.Equal("10", run.Outputs["rollout-percent"]);
        Assert.Matches(@"(?m)^\| Rollout \(% of devices\) \| 10 \|$", run.Summary);
        var payload = System.Buffers.Text.Base64Url.DecodeFromChars(File.ReadAllText(Path.Combine(_h.Workspace, "site", "channels", "stable.jws")).Split('.')[1]);
        Assert.Contains("\"percent\": 10,", System.Text.Encoding.UTF8.GetString(payload), StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupted_image_fails_the_step_with_an_annotation_on_the_bin_and_the_reason_in_the_summary()
    {
        var image = Path.Combine(_h.BuildDir, "blink.bin");
        var bytes = File.ReadAllBytes(image);
        for (var i = 0x100; i < 0x110; i++)
        {
            bytes[i] ^= 0xFF;
        }

        File.WriteAllBytes(image, bytes);

        var run = _h.Run(Publish("site"));

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("failure", run.Outcome("run"));
        Assert.Equal("false", run.Outputs["ok"]);
        var error = Assert.Single(run.Annotations, a => a.Name == "error" && a.Properties.GetValueOrDefault("file") == "firmware/build/blink.bin");
        Assert.StartsWith("ESPR1", error.Properties["title"], StringComparison.Ordinal);
        Assert.Contains("❌", run.Summary, StringComparison.Ordinal);
        Assert.Contains(error.Properties["title"], run.Summary, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_h.Workspace, "site", "channels")), "a refused release reached the host");
    }

    [Fact]
    public void A_version_input_the_image_does_not_carry_is_refused_with_ESPR1403()
    {
        var inputs = Publish("site");
        inputs["version"] = "1.2.3";

        var run = _h.Run(inputs);

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains(run.Annotations, a => a.Name == "error" && a.Properties.GetValueOrDefault("title") == "ESPR1403");
        Assert.Contains("ESPR1403", run.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public void An_azure_connection_string_in_the_environment_is_masked_and_never_printed_by_a_failing_publish()
    {
        const string AccountKey = "c2VjcmV0LWFjY291bnQta2V5LWZvci10aGUtYWN0aW9uLXRlc3Q/K2Jhc2U2NA==";
        var connection = $"DefaultEndpointsProtocol=https;AccountName=otheraccount;AccountKey={AccountKey};EndpointSuffix=core.windows.net";
        var inputs = Publish("unused");
        inputs["host"] = "azure://fleetstorage/firmware";

        var run = _h.Run(inputs, new() { ["AZURE_STORAGE_CONNECTION_STRING"] = connection });

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run, AccountKey, connection);
        Assert.Contains(AccountKey, run.Masks);
        Assert.Contains(connection, run.Masks);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains(run.Annotations, a => a.Name == "error" && a.Data.Contains("otheraccount", StringComparison.Ordinal));
    }

    [Fact]
    public void AWS_credentials_in_the_environment_are_masked_and_never_printed_by_a_failing_s3_publish()
    {
        const string Secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY-for-the-action-test";
        const string Token = "IQoJb3JpZ2luX2VjEXAMPLE-session-token-for-the-action-test";
        var inputs = Publish("unused");
        inputs["host"] = "s3://fleet-firmware/releases";
        // An endpoint nothing listens on: the publish fails after the credentials were read.
        inputs["extra-args"] = "--s3-endpoint https://127.0.0.1:9 --allow-non-semver";

        var run = _h.Run(inputs, new() { ["AWS_ACCESS_KEY_ID"] = "AKIDEXAMPLE", ["AWS_SECRET_ACCESS_KEY"] = Secret, ["AWS_SESSION_TOKEN"] = Token, ["ESP_RELEASE_HOST_RETRIES"] = "0" });

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run, Secret, Token);
        Assert.Contains(Secret, run.Masks);
        Assert.Contains(Token, run.Masks);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains(run.Annotations, a => a.Name == "error" && a.Properties.GetValueOrDefault("title") == "ESPR1644");
    }

    [Fact]
    public void A_tool_that_prints_every_secret_it_can_see_shows_only_stars_in_the_log()
    {
        const string Sas = "sv=2025-01-05&ss=b&srt=sco&sp=rwl&se=2030-01-01T00:00:00Z&sig=bm90LWEtcmVhbC1zaWduYXR1cmUtYnV0LWxvbmc%3D";
        var tool = Directory.CreateDirectory(Path.Combine(_h.RunnerRoot, "fake-tool")).FullName;
        var script = Path.Combine(tool, "dotnet-esp-release");
        // Everything a careless tool could print: the key file, the environment, a SAS in a URL.
        File.WriteAllText(script, """
            #!/usr/bin/env bash
            key=""
            while [ $# -gt 0 ]; do [ "$1" = --key ] && key=$2; shift; done
            cat "$key"
            echo "uploading with $AZURE_STORAGE_SAS_TOKEN and https://x.blob.core.windows.net/c?${AZURE_STORAGE_SAS_TOKEN}"
            exit 3
            """.ReplaceLineEndings("\n"));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var inputs = Publish("site");
        inputs["tool-path"] = tool;

        var run = _h.Run(inputs, new() { ["AZURE_STORAGE_SAS_TOKEN"] = Sas });

        Assert.False(run.Succeeded, run.ToString());
        Assert.Contains(run.RawLog, l => l.Contains(_h.KeySecrets.First(), StringComparison.Ordinal));
        foreach (var secret in _h.KeySecrets.Append(Sas))
        {
            Assert.DoesNotContain(secret, run.LogText, StringComparison.Ordinal);
        }

        Assert.Contains("***", run.LogText, StringComparison.Ordinal);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains("exited 3", run.Summary, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFiles(_h.RunnerRoot, "*.pem", SearchOption.AllDirectories));
    }

    [Fact]
    public void When_esp_release_cannot_start_the_summary_says_why_and_ok_is_false()
    {
        var inputs = Publish("site");
        inputs["tool-path"] = Path.Combine(_h.RunnerRoot, "no-such-folder");

        var run = _h.Run(inputs);

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("failure", run.Outcome("locate"));
        Assert.Equal("skipped", run.Outcome("run"));
        Assert.Equal("success", run.Outcome("finish"));
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains("tool-path", run.Summary, StringComparison.Ordinal);
        Assert.Contains(run.Annotations, a => a.Name == "error" && a.Data.Contains("is not a directory", StringComparison.Ordinal));
    }

    [Fact]
    public void A_relative_tool_path_is_relative_to_the_working_directory()
    {
        // ../tools/esp-release from firmware/; from the workspace it would point outside it, at nothing.
        var tools = Directory.CreateDirectory(Path.Combine(_h.Workspace, "tools")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(tools, "esp-release"), ActionHarness.TestBuildTool);
        var inputs = new Dictionary<string, string>
        {
            ["command"] = "inspect",
            ["working-directory"] = "firmware",
            ["build-dir"] = "build",
            ["tool-path"] = "../tools/esp-release",
        };

        var run = _h.Run(inputs);

        Assert.True(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal(Path.Combine(tools, "esp-release"), run.StepOutputs["locate"]["dir"]);
        Assert.Equal(ActionHarness.FixtureVersion, run.Outputs["version"]);
    }

    [Theory]
    [InlineData("command", "deploy", "is not one this action runs")]
    [InlineData("factory", "yes", "neither true nor false")]
    public void An_input_the_action_cannot_use_fails_with_the_reason(string input, string value, string reason)
    {
        var inputs = Publish("site");
        inputs[input] = value;

        var run = _h.Run(inputs);

        Assert.False(run.Succeeded, run.ToString());
        _h.AssertClean(run);
        Assert.Equal("false", run.Outputs["ok"]);
        Assert.Contains(reason, run.Summary, StringComparison.Ordinal);
    }
}
