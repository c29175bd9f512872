namespace EspRelease.Core.Releases;

/// <summary>One step of a long operation, for the faces to show (the core never writes to a console).</summary>
/// <param name="Stage">What is happening, e.g. "upload blink-1.2.3-esp32s3.bin".</param>
/// <param name="Done">Bytes (or items) done so far.</param>
/// <param name="Total">Bytes (or items) in all; 0 when unknown.</param>
public sealed record ProgressReport(string Stage, long Done, long Total);
