using EspRelease.Cli.Output;
using EspRelease.Core.Releases;

namespace EspRelease.Cli.Tests;

public sealed class ConsoleProgressTests
{
    [Fact]
    public async Task Progress_is_silent_for_the_first_second_then_reports_without_flooding()
    {
        var error = new StringWriter();
        var progress = new ConsoleProgress(error);

        progress.Report(new ProgressReport("copy a.bin", 1, 10));
        Assert.Equal("", error.ToString());

        await Task.Delay(TimeSpan.FromMilliseconds(1100));
        progress.Report(new ProgressReport("copy a.bin", 5, 10));
        progress.Report(new ProgressReport("copy a.bin", 6, 10));
        progress.Report(new ProgressReport("copy a.bin", 10, 10));

        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["copy a.bin  50% (0.0 of 0.0 MiB)", "copy a.bin 100% (0.0 of 0.0 MiB)"], lines);
    }
}
