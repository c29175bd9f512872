namespace EspRelease.Cli.Output;

/// <summary><c>rollout status --json</c>: the channel's release and rollout, and the devices asked about.</summary>
internal static class RolloutJsonWriter
{
    public static void WriteStatus(TextWriter stdout, RolloutStatus status) => JsonDocumentWriter.Write(stdout, w =>
    {
        var m = status.Manifest;
        w.WriteBoolean("ok", true);
        w.WriteString("host", status.Host);
        w.WriteString("channel", m.Channel);
        w.WriteString("project", m.Project);
        w.WriteString("version", m.Version);
        w.WriteNumber("sequence", m.Sequence);
        w.WriteString("action", m.Action);
        w.WriteNumber("percent", status.Percent);
        w.WriteBoolean("everyone", m.Rollout is null);
        w.WriteString("salt", m.Rollout?.Salt);
        w.WriteStartArray("devices");
        foreach (var (id, bucket, inCohort) in status.Devices)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            if (bucket is { } b)
            {
                w.WriteNumber("bucket", b);
            }
            else
            {
                w.WriteNull("bucket");
            }

            w.WriteBoolean("inCohort", inCohort);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        JsonDocumentWriter.Outcome(w, []);
    });
}
