using System.Text.Json;
using EspRelease.Core.Hosts;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Cli.Tests;

[CollectionDefinition(Name)]
public sealed class CliS3rverTestGroup : ICollectionFixture<S3rverFixture>
{
    public const string Name = "CLI on s3rver";
}

/// <summary>
/// <c>publish/verify/promote/rollback</c> with an <c>s3://</c> host, as users run the tool: a child
/// process whose AWS credentials come from its environment (never a flag), the endpoint from
/// AWS_ENDPOINT_URL_S3 or --s3-endpoint. Nothing it prints may hold the secret key or a signature.
/// </summary>
[Collection(CliS3rverTestGroup.Name)]
public sealed class S3PublishCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly S3rverFixture _fixture;
    private readonly string _prefix = $"cli-{Guid.NewGuid():n}";
    private readonly SigningKey _key = SigningKey.Generate();
    private readonly string _keyFile;

    public S3PublishCommandTests(S3rverFixture fixture)
    {
        _fixture = fixture;
        _keyFile = _temp.Combine("key.pem");
        File.WriteAllText(_keyFile, _key.ExportPkcs8Pem());
    }

    public void Dispose() => _temp.Dispose();

    private string Address(S3rver server) => $"s3://{server.Bucket}/{_prefix}";

    private static Dictionary<string, string?> Environment(S3rver server, bool endpointInEnvironment = true)
    {
        var environment = server.EnvironmentVariables.ToDictionary(e => e.Key, e => (string?)e.Value);
        environment["SOURCE_DATE_EPOCH"] = "1767225600";
        environment["AWS_PROFILE"] = null;
        environment["AWS_ENDPOINT_URL"] = null;
        if (!endpointInEnvironment)
        {
            environment["AWS_ENDPOINT_URL_S3"] = null;
        }

        return environment;
    }

    private static Task<(int Exit, string Out, string Err)> Tool(S3rver server, params string[] args) => CliRunner.RunProcess(Environment(server), args);

    private string Build(string version) => BuildDirectoryBuilder.Create(_temp, version, appBytes: 64 * 1024);

    [Fact]
    public async Task Publish_verify_promote_and_rollback_take_an_s3_host()
    {
        var server = _fixture.Aws;
        var published = await Tool(server, "publish", Build("1.0.0"), "--to", Address(server), "--key", _keyFile);
        // The endpoint from the flag instead of the environment.
        var beta = await CliRunner.RunProcess(Environment(server, endpointInEnvironment: false), ["publish", Build("1.1.0"), "--to", Address(server), "--key", _keyFile, "--channel", "beta", "--s3-endpoint", server.Endpoint.AbsoluteUri]);
        var promote = await Tool(server, "promote", "--from", "beta", "--to", "stable", "--version", "1.1.0", "--host", Address(server), "--key", _keyFile);
        var rollback = await Tool(server, "rollback", "--channel", "stable", "--host", Address(server), "--key", _keyFile);
        var verify = await Tool(server, "verify", Address(server), "--key", _keyFile, "--json");

        foreach (var run in new[] { published, beta, promote, rollback, verify })
        {
            Assert.True(run.Exit == 0, run.Err);
            Assert.DoesNotContain(S3rver.SecretKey + "\n", run.Out + run.Err, StringComparison.Ordinal);
            Assert.DoesNotContain("X-Amz-Signature=", run.Out + run.Err, StringComparison.Ordinal);
        }

        // A private bucket: a presigned device URL, redacted, with the day it stops working; no probe (see ESPR2643).
        Assert.Contains($"device URL: {server.Endpoint}{server.Bucket}/{_prefix}/channels/stable.jws?<redacted> (--show-sas prints it whole)", published.Out, StringComparison.Ordinal);
        Assert.Contains("access:    presigned GET (SigV4), expires ", published.Out, StringComparison.Ordinal);
        Assert.Contains("warning ESPR2641:", published.Err, StringComparison.Ordinal);
        Assert.Contains("warning ESPR2643:", published.Err, StringComparison.Ordinal);

        using var doc = JsonDocument.Parse(verify.Out);
        var versions = doc.RootElement.GetProperty("verified").EnumerateArray()
            .Select(v => (v.GetProperty("payload").GetProperty("channel").GetString(), v.GetProperty("payload").GetProperty("version").GetString()))
            .OrderBy(v => v.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal([("beta", "1.1.0"), ("stable", "1.0.0")], versions);
    }

    [Fact]
    public async Task On_a_server_that_ignores_conditional_writes_publish_is_refused_unless_the_user_vouches_for_one_publisher()
    {
        var server = _fixture.Plain;
        var refused = await Tool(server, "publish", Build("1.0.0"), "--to", Address(server), "--key", _keyFile);
        var vouched = await Tool(server, "publish", Build("1.0.0"), "--to", Address(server), "--key", _keyFile, "--s3-unconditional-writes");

        Assert.Equal(3, refused.Exit);
        Assert.Contains("error ESPR1645:", refused.Err, StringComparison.Ordinal);
        Assert.Contains("ignores conditional writes", refused.Err, StringComparison.Ordinal);
        Assert.True(vouched.Exit == 0, vouched.Err);
        Assert.Contains("warning ESPR2642:", vouched.Err, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_secret_fails_with_a_host_error_that_names_the_fix_and_not_the_secret()
    {
        var server = _fixture.Aws;
        var environment = Environment(server);
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-4f1b7c2e9a";

        var run = await CliRunner.RunProcess(environment, ["publish", Build("1.0.0"), "--to", Address(server), "--key", _keyFile]);

        Assert.Equal(3, run.Exit);
        Assert.Contains("error ESPR1643:", run.Err, StringComparison.Ordinal);
        Assert.Contains("SignatureDoesNotMatch", run.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-secret-4f1b7c2e9a", run.Out + run.Err, StringComparison.Ordinal);
    }

    /// <summary>
    /// The AWS SDK loads only when an s3:// host is opened: with its assemblies removed from a copy of
    /// the tool, a folder host still publishes and verifies; an s3:// host names what is missing.
    /// </summary>
    [Fact]
    public async Task Other_hosts_never_load_the_AWS_SDK()
    {
        var tool = _temp.Combine("tool-without-aws");
        Directory.CreateDirectory(tool);
        foreach (var file in Directory.EnumerateFiles(AppContext.BaseDirectory))
        {
            var name = Path.GetFileName(file);
            if ((name.EndsWith(".dll", StringComparison.Ordinal) || name == "esp-release.runtimeconfig.json") && !name.StartsWith("AWSSDK.", StringComparison.Ordinal))
            {
                File.Copy(file, Path.Combine(tool, name));
            }
        }

        async Task<(int Exit, string Err)> Run(params string[] args)
        {
            var start = CliRunner.ProcessStart(Environment(_fixture.Aws), args);
            start.ArgumentList[0] = Path.Combine(tool, "esp-release.dll");
            var (exit, _, stderr) = await CliRunner.RunProcess(start, args);
            return (exit, stderr);
        }

        var site = "dir:" + _temp.Combine("site");
        var publish = await Run("publish", Build("1.0.0"), "--to", site, "--key", _keyFile);
        var verify = await Run("verify", site, "--key", _keyFile);
        var onS3 = await Run("verify", Address(_fixture.Aws), "--key", _keyFile);

        Assert.True(publish.Exit == 0, publish.Err);
        Assert.True(verify.Exit == 0, verify.Err);
        Assert.NotEqual(0, onS3.Exit);
        Assert.Contains("AWSSDK", onS3.Err, StringComparison.Ordinal);
    }

    [Fact]
    public void The_address_is_checked_before_any_request()
    {
        var e = Assert.Throws<Core.Diagnostics.EspReleaseException>(() => HostAddress.Open("s3://My_Bucket/x", _ => null));

        Assert.Contains("\"My_Bucket\" is not a bucket name", e.Diagnostic.Message, StringComparison.Ordinal);
    }
}
