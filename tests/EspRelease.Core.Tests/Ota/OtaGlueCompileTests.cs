using EspRelease.Testing;

namespace EspRelease.Core.Tests.Ota;

/// <summary>
/// The esp_release_ota component's ESP-IDF glue (templates/esp_release_ota/src) and the mixed-repo sample's
/// main.c compile against tests/esp-idf-stubs, which copy ESP-IDF v5.3's declarations (tests/esp-release-ota-glue);
/// and a copy with one call, member or argument type changed does not: the stubs check, they do not merely satisfy.
/// </summary>
public sealed class OtaGlueCompileTests : IDisposable
{
    private static readonly string _script = Repository.File("tests", "esp-release-ota-glue", "compile.sh");
    private static readonly string _glue = Repository.File("templates", "esp_release_ota", "src");
    private static readonly string _main = Repository.File("templates", "mixed-repo", "firmware", "main", "main.c");

    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task The_glue_and_the_sample_compile_against_the_esp_idf_v5_3_declarations()
    {
        var output = _dir.Combine("objects");
        var (exit, stdout, stderr) = await CompileAsync("-o", output);

        Assert.True(exit == 0, $"{stdout}\n{stderr}");
        var objects = Directory.GetFiles(output, "*.o").Select(Path.GetFileName).ToList();
        foreach (var source in Directory.GetFiles(_glue, "*.c").Append(_main))
        {
            Assert.Contains(Path.GetFileNameWithoutExtension(source) + ".o", objects);
        }
    }

    [Theory]
    [InlineData("esp_release_ota_net.c", "esp_https_ota_finish(ota)", "esp_https_ota_finish(ota, 0)", "too many arguments to function 'esp_https_ota_finish'")]
    [InlineData("esp_release_ota_net.c", "esp_partition_read(slot, (size_t)offset, chunk, n)", "esp_partition_read(slot, chunk, n)", "too few arguments to function 'esp_partition_read'")]
    [InlineData("esp_release_ota_net.c", ".keep_alive_enable = true", ".keep_alive = true", "has no member named 'keep_alive'")]
    [InlineData("esp_release_ota_device.c", "nvs_get_u64(nvs, key, sequence)", "nvs_get_u64(nvs, key, (int64_t *)sequence)", "pointer targets in passing argument 3 of 'nvs_get_u64' differ in signedness")]
    [InlineData("esp_release_ota_device.c", "esp_ota_get_state_partition(running, &state)", "esp_ota_get_state_partition(&state)", "too few arguments to function 'esp_ota_get_state_partition'")]
    public async Task A_glue_call_that_no_longer_matches_esp_idf_is_a_compile_error(string file, string call, string changed, string message)
    {
        var copy = _dir.CopyTree(_glue, "glue");
        Change(Path.Combine(copy, file), call, changed);

        var (exit, stdout, stderr) = await CompileAsync("-o", _dir.Combine("objects"), "--glue", copy);

        Assert.True(exit != 0, $"the compiler took {changed}:\n{stdout}\n{stderr}");
        Assert.Contains($"{file}:", stderr, StringComparison.Ordinal);
        Assert.Contains(message, Quotes(stderr), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sample_passing_its_config_by_value_is_a_compile_error()
    {
        var main = _dir.Combine("main.c");
        File.Copy(_main, main);
        Change(main, "esp_release_ota_start_task(&config)", "esp_release_ota_start_task(config)");

        var (exit, stdout, stderr) = await CompileAsync("-o", _dir.Combine("objects"), "--main", main);

        Assert.True(exit != 0, $"{stdout}\n{stderr}");
        Assert.Contains("incompatible type for argument 1 of 'esp_release_ota_start_task'", Quotes(stderr), StringComparison.Ordinal);
    }

    // The change must hit exactly one place, or the test would prove nothing.
    private static void Change(string path, string from, string to)
    {
        var text = File.ReadAllText(path);
        var at = text.IndexOf(from, StringComparison.Ordinal);
        Assert.True(at >= 0 && text.IndexOf(from, at + 1, StringComparison.Ordinal) < 0, $"{Path.GetFileName(path)} has not exactly one {from}");
        File.WriteAllText(path, text.Replace(from, to, StringComparison.Ordinal));
    }

    // gcc quotes with ‘’ in a UTF-8 locale and '' in C.
    private static string Quotes(string text) => text.Replace('\u2018', '\'').Replace('\u2019', '\'');

    private static Task<(int ExitCode, string Stdout, string Stderr)> CompileAsync(params string[] arguments) =>
        BoundedProcess.RunAsync("bash", [_script, .. arguments], null, TimeSpan.FromMinutes(2));
}
