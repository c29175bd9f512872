using System.Text.Json;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.Partitions;

namespace EspRelease.Cli.Output;

/// <summary>
/// The <c>inspect --json</c> document. Written member by member (no reflection) so the names are
/// the contract: integers are JSON numbers, hashes lowercase hex, absent parts null.
/// </summary>
internal static class InspectJsonWriter
{
    private static readonly JsonWriterOptions _options = new() { Indented = true };

    // signers: with --secure-boot-pub, the name of each given key by its key digest (hex), so each block says which signed it.
    public static void Write(Stream output, ImageInspection image, IReadOnlyDictionary<string, string>? signers = null)
    {
        using var w = new Utf8JsonWriter(output, _options);
        w.WriteStartObject();
        WriteImageMembers(w, image, signers);
        WriteOutcome(w, image.Diagnostics);
        w.WriteEndObject();
    }

    public static void Write(Stream output, PartitionTable table)
    {
        using var w = new Utf8JsonWriter(output, _options);
        w.WriteStartObject();
        w.WriteString("file", table.File);
        w.WriteNumber("size", table.Size);
        WriteHex(w, "sha256", table.Sha256);
        w.WriteString("kind", "partition-table");
        WritePartitionMembers(w, table);
        WriteOutcome(w, table.Diagnostics);
        w.WriteEndObject();
    }

    /// <summary>A build directory: the app's members at the top level, plus the build's own parts and cross-checks.</summary>
    public static void Write(Stream output, BuildInspection build, IReadOnlyDictionary<string, string>? signers = null)
    {
        using var w = new Utf8JsonWriter(output, _options);
        w.WriteStartObject();
        if (build.App is { } app)
        {
            WriteImageMembers(w, app, signers);
        }
        else
        {
            w.WriteString("file", build.Directory);
            w.WriteNull("kind");
        }

        w.WriteString("buildDirectory", build.Directory);
        WriteObjectOrNull(w, "project", build.Project, p =>
        {
                w.WriteString("name", p.ProjectName);
                w.WriteString("version", p.ProjectVersion);
                w.WriteString("target", p.Target);
                w.WriteString("idfVersion", p.IdfVersion);
                w.WriteString("appBin", p.AppBin);
                w.WriteString("buildType", p.BuildType);
        });

        w.WritePropertyName("flashFiles");
        w.WriteStartArray();
        foreach (var f in build.Flasher?.Files ?? [])
        {
            w.WriteStartObject();
            w.WriteString("name", f.Name);
            w.WriteNumber("offset", f.Offset);
            w.WriteString("file", f.File);
            w.WriteBoolean("encrypted", f.Encrypted);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        WriteObjectOrNull(w, "bootloader", build.Bootloader, bootloader =>
        {
                WriteImageMembers(w, bootloader, signers);
                WriteOutcome(w, bootloader.Diagnostics);
        });

        WriteObjectOrNull(w, "partitionTable", build.PartitionTable, table =>
        {
                w.WriteString("file", table.File);
                WritePartitionMembers(w, table);
                WriteOutcome(w, table.Diagnostics);
        });

        w.WritePropertyName("crossChecks");
        w.WriteStartArray();
        foreach (var c in build.CrossChecks)
        {
            w.WriteStartObject();
            w.WriteString("name", c.Name);
            w.WriteString("expected", c.Expected);
            w.WriteString("actual", c.Actual);
            w.WriteBoolean("passed", c.Passed);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        WriteOutcome(w, build.AllDiagnostics);
        w.WriteEndObject();
    }

    private static void WriteImageMembers(Utf8JsonWriter w, ImageInspection image, IReadOnlyDictionary<string, string>? signers)
    {
        var h = image.Header;
        // An ESP8266 image has the common header fields only: no chip id, revisions or hash flag.
        var e8 = image.Esp8266;
        w.WriteString("file", image.File);
        w.WriteNumber("size", image.Size);
        WriteHex(w, "sha256", image.FileSha256);
        w.WriteString("kind", image.Kind.ToJsonName());
        w.WriteString("chip", image.Chip?.Name ?? (e8 is null ? null : Esp8266Header.ChipName));
        WriteNumber(w, "chipId", h?.ChipId);
        // esptool's "Image version": ESP32-family images are all version 1.
        WriteNumber(w, "imageVersion", e8?.ImageVersion ?? (h is null ? null : 1));
        WriteNumber(w, "entry", h?.EntryAddress ?? e8?.EntryAddress);
        w.WriteString("flashMode", h?.FlashModeName ?? e8?.FlashModeName);
        w.WriteString("flashFrequency", h is null ? e8?.FlashFrequencyName : image.Chip?.DescribeFlashFrequency(h.SpiSpeed) ?? $"0x{h.SpiSpeed:x}");
        w.WriteString("flashSize", h?.FlashSizeName ?? e8?.FlashSizeName);
        WriteNumber(w, "minChipRevision", h?.MinChipRevisionFull);
        WriteNumber(w, "maxChipRevision", h?.MaxChipRevisionFull);
        WriteNumber(w, "legacyMinChipRevision", h?.LegacyMinChipRevision);
        WriteNumber(w, "imageLength", h is null && e8 is null ? null : image.ImageLength);

        w.WritePropertyName("segments");
        w.WriteStartArray();
        foreach (var s in image.Segments)
        {
            w.WriteStartObject();
            w.WriteNumber("loadAddress", s.LoadAddress);
            w.WriteNumber("length", s.Length);
            w.WriteNumber("fileOffset", s.HeaderOffset);
            w.WriteNumber("dataOffset", s.DataOffset);
            w.WritePropertyName("memoryTypes");
            w.WriteStartArray();
            foreach (var t in s.MemoryTypes)
            {
                w.WriteStringValue(t);
            }

            w.WriteEndArray();
            w.WriteBoolean("flashMapped", s.FlashMapped);
            w.WriteEndObject();
        }

        w.WriteEndArray();

        WriteObjectOrNull(w, "checksum", image.Checksum, c =>
        {
                w.WriteNumber("stored", c.Stored);
                w.WriteNumber("computed", c.Computed);
                w.WriteBoolean("valid", c.Valid);
        });

        WriteObjectOrNull(w, "hash", image.Hash, hash =>
        {
                WriteHex(w, "stored", hash.Stored);
                WriteHex(w, "computed", hash.Computed);
                w.WriteBoolean("valid", hash.Valid);
        });

        WriteAppDescriptor(w, image.App);
        WriteBootloaderDescriptor(w, image.Bootloader);
        WriteSignatures(w, image, signers);
    }

    private static void WriteAppDescriptor(Utf8JsonWriter w, AppDescriptor? descriptor) =>
        WriteObjectOrNull(w, "app", descriptor, app =>
        {
            w.WriteString("projectName", app.ProjectName);
            w.WriteString("version", app.Version);
            w.WriteNumber("secureVersion", app.SecureVersion);
            w.WriteString("idfVersion", app.IdfVersion);
            w.WriteString("compileDate", app.CompileDate);
            w.WriteString("compileTime", app.CompileTime);
            WriteHex(w, "elfSha256", app.ElfSha256);
            w.WriteNumber("minEfuseBlockRevision", app.MinEfuseBlockRevision);
            w.WriteNumber("maxEfuseBlockRevision", app.MaxEfuseBlockRevision);
            w.WriteNumber("mmuPageSize", app.MmuPageSize);
        });

    private static void WriteBootloaderDescriptor(Utf8JsonWriter w, BootloaderDescriptor? descriptor) =>
        WriteObjectOrNull(w, "bootloaderDescriptor", descriptor, b =>
        {
            w.WriteNumber("version", b.Version);
            w.WriteNumber("secureVersion", b.SecureVersion);
            w.WriteString("idfVersion", b.IdfVersion);
            w.WriteString("dateTime", b.DateTime);
        });

    private static void WriteSignatures(Utf8JsonWriter w, ImageInspection image, IReadOnlyDictionary<string, string>? signers)
    {
        w.WriteString("trailer", image.Trailer switch
        {
            TrailerKind.ErasedFill => "erased-fill",
            TrailerKind.SecureBootV2 => "secure-boot-v2",
            TrailerKind.SecureBootV1 => "secure-boot-v1",
            TrailerKind.Unknown => "unknown",
            _ => "none",
        });
        WriteHex(w, "signedDigest", image.SignedDigest);
        w.WritePropertyName("signatures");
        w.WriteStartArray();
        foreach (var s in image.Signatures)
        {
            w.WriteStartObject();
            w.WriteNumber("block", s.Index);
            w.WriteString("scheme", s.Scheme);
            WriteHex(w, "digest", s.StoredDigest);
            w.WriteBoolean("digestMatches", s.DigestMatches);
            WriteHex(w, "keyDigest", s.KeyDigest);
            if (signers is not null)
            {
                // null: none of the keys given signed this block.
                w.WriteString("signedBy", signers.GetValueOrDefault(Convert.ToHexStringLower(s.KeyDigest)));
            }
            if (s.SignatureValid is { } valid)
            {
                w.WriteBoolean("signatureValid", valid);
            }
            else
            {
                w.WriteNull("signatureValid");
            }

            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePartitionMembers(Utf8JsonWriter w, PartitionTable table)
    {
        w.WritePropertyName("entries");
        w.WriteStartArray();
        foreach (var e in table.Entries)
        {
            WriteEntry(w, e);
        }

        w.WriteEndArray();
        WriteObjectOrNull(w, "md5", table.Md5, md5 =>
        {
                WriteHex(w, "stored", md5.Stored);
                WriteHex(w, "computed", md5.Computed);
                w.WriteBoolean("valid", md5.Valid);
        });

        w.WritePropertyName("otaSlots");
        w.WriteStartArray();
        foreach (var e in table.OtaSlots)
        {
            WriteEntry(w, e);
        }

        w.WriteEndArray();
        WriteNumber(w, "smallestOtaSlotSize", table.SmallestOtaSlot?.Size);
    }

    private static void WriteEntry(Utf8JsonWriter w, PartitionEntry e)
    {
        w.WriteStartObject();
        w.WriteString("name", e.Name);
        w.WriteString("type", e.TypeName);
        w.WriteString("subtype", e.SubtypeName);
        w.WriteNumber("offset", e.Offset);
        w.WriteNumber("size", e.Size);
        w.WriteBoolean("encrypted", e.Encrypted);
        w.WriteBoolean("readonly", e.ReadOnly);
        w.WriteEndObject();
    }

    private static void WriteOutcome(Utf8JsonWriter w, IEnumerable<Diagnostic> diagnostics)
    {
        var list = diagnostics.ToList();
        w.WriteBoolean("valid", list.All(d => d.Severity != Severity.Error));
        DiagnosticJson.WriteArray(w, "errors", list.Where(d => d.Severity == Severity.Error));
        DiagnosticJson.WriteArray(w, "warnings", list.Where(d => d.Severity == Severity.Warning));
    }

    /// <summary>Writes <c>"name": { … }</c> when there is a value, <c>"name": null</c> when there is none.</summary>
    private static void WriteObjectOrNull<T>(Utf8JsonWriter w, string name, T? value, Action<T> members)
    {
        w.WritePropertyName(name);
        if (value is null)
        {
            w.WriteNullValue();
            return;
        }

        w.WriteStartObject();
        members(value);
        w.WriteEndObject();
    }

    private static void WriteHex(Utf8JsonWriter w, string name, byte[]? bytes)
    {
        if (bytes is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, Convert.ToHexStringLower(bytes));
        }
    }

    private static void WriteNumber(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
        else
        {
            w.WriteNull(name);
        }
    }
}
