using EspRelease.Core.Doctor.DeviceLog;

namespace EspRelease.Core.Tests.Doctor;

/// <summary>What idf.py monitor adds to a device's lines, taken off again; and the log is read as it comes.</summary>
public sealed class DeviceLogReaderTests
{
    [Fact]
    public void Colour_codes_carriage_returns_and_monitor_timestamps_are_dropped()
    {
        var lines = DeviceLogReader.Read(new StringReader("2024-05-01 12:00:00.123 \u001b[0;31mE (5176) esp-tls: select() timeout\u001b[0m\r\r\n\r\n--- idf_monitor on /dev/ttyUSB0 115200 ---\nI (12:00:01.500) boot: Loaded app\r")).ToList();

        Assert.Equal(2, lines.Count);
        Assert.Equal(new DeviceLogLine(1, "E (5176) esp-tls: select() timeout", 'E', 5176, "esp-tls", "select() timeout"), lines[0]);
        Assert.Equal("boot", lines[1].Tag);
        Assert.Null(lines[1].Millis);
        Assert.Equal(5, lines[1].Number); // a lone \r ends a line, as editors count it
    }

    [Fact]
    public void Two_tasks_printing_into_one_line_are_split_and_a_tag_without_a_space_is_read()
    {
        var lines = DeviceLogReader.Read(new StringReader("I (2301) wifi:new:<6,0>, old:<1,0>E (2302) esp-tls: [sock=54] select() timeout")).ToList();

        Assert.Equal(["wifi", "esp-tls"], lines.Select(l => l.Tag));
        Assert.Equal("new:<6,0>, old:<1,0>", lines[0].Message);
        Assert.Equal("E (2302) esp-tls: [sock=54] select() timeout", lines[1].Text);
    }

    [Fact]
    public void Lines_are_read_one_at_a_time_so_a_growing_log_is_diagnosed_as_it_arrives()
    {
        var source = new OneLineAtATime(["E (5012) HTTP_CLIENT: Out of buffer", "I (5013) app: waiting"]);
        var doctor = new DeviceLogDoctor();

        using var lines = DeviceLogReader.Read(source).GetEnumerator();
        Assert.True(lines.MoveNext());
        doctor.Add(lines.Current);

        Assert.Equal(1, source.Served);
        Assert.Equal("ESPR1984", Assert.Single(doctor.Report().Findings).Code);
    }

    // A pipe: each line exists only once asked for.
    private sealed class OneLineAtATime(string[] lines) : TextReader
    {
        public int Served { get; private set; }

        public override string? ReadLine() => Served < lines.Length ? lines[Served++] : null;
    }
}
