using EspRelease.Core.Doctor.DeviceLog;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>The README's "When the device says…" table is the rule table, written out: the two never drift apart.</summary>
public sealed class DeviceLogReadmeTests
{
    private const string Begin = "<!-- doctor-table:begin -->";
    private const string End = "<!-- doctor-table:end -->";

    [Fact]
    public void The_readme_table_is_the_rule_table()
    {
        var path = Repository.File("README.md");
        var readme = File.ReadAllText(path).ReplaceLineEndings("\n");
        var begin = readme.IndexOf(Begin, StringComparison.Ordinal);
        var end = readme.IndexOf(End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"README.md must hold the markers {Begin} and {End}.");

        var current = readme[(begin + Begin.Length)..end];
        var generated = "\n" + DeviceLogRules.MarkdownTable();
        if (current != generated && Environment.GetEnvironmentVariable("ESP_RELEASE_UPDATE_README") == "1")
        {
            File.WriteAllText(path, readme[..(begin + Begin.Length)] + generated + readme[end..]);
            return;
        }

        Assert.True(current == generated,
            "README.md's doctor table differs from DeviceLogRules. Regenerate it: ESP_RELEASE_UPDATE_README=1 dotnet test tests/EspRelease.Core.Tests --filter FullyQualifiedName~DeviceLogReadmeTests");
    }

    [Fact]
    public void The_table_has_a_row_per_rule_and_no_cell_breaks_a_row()
    {
        var rows = DeviceLogRules.MarkdownTable().Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(DeviceLogRules.All.Count + 2, rows.Length);
        Assert.All(rows, r => Assert.Equal(5, r.Replace("\\|", "", StringComparison.Ordinal).Count(c => c == '|')));
    }
}
