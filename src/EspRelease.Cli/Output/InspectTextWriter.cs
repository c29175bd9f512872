using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.Partitions;

namespace EspRelease.Cli.Output;

/// <summary>The <c>inspect</c> report a person reads at a glance: a verdict line first, then the details.</summary>
/// <param name="o">stdout.</param>
/// <param name="signers">With --secure-boot-pub: the name of each given key by its key digest (hex), so each block says which signed it.</param>
internal sealed class InspectTextWriter(TextWriter o, IReadOnlyDictionary<string, string>? signers = null)
{
    public void Write(ImageInspection image)
    {
        var what = image.Esp8266 is { } e ? $"{Esp8266Header.ChipName} image (version {e.ImageVersion})"
            : image.Chip is null ? image.Kind.ToJsonName() : $"{image.Chip.Name} {image.Kind.ToJsonName()}";
        o.WriteLine($"{image.File}: {what}, {image.Size} bytes — {(image.Valid ? "valid" : "INVALID")}");
        Field("sha256", image.FileSha256 is null ? "-" : Convert.ToHexStringLower(image.FileSha256));
        if (image.App is { } app)
        {
            Field("project", app.ProjectName);
            Field("version", app.Version);
            Field("secure version", app.SecureVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Field("ESP-IDF", app.IdfVersion);
            Field("compiled", $"{app.CompileDate} {app.CompileTime}".Trim());
            Field("ELF sha256", Convert.ToHexStringLower(app.ElfSha256));
        }

        if (image.Bootloader is { } b)
        {
            Field("bootloader", $"version {b.Version}, secure version {b.SecureVersion}, ESP-IDF {b.IdfVersion}, built {b.DateTime}");
        }

        if (image.Header is { } h)
        {
            var freq = image.Chip?.DescribeFlashFrequency(h.SpiSpeed) ?? $"0x{h.SpiSpeed:x}";
            Field("entry", $"0x{h.EntryAddress:x8}");
            Field("flash", $"{h.FlashModeName}, {freq}, {h.FlashSizeName}");
            var max = h.HasMaxChipRevision ? $"max {ImageHeader.FormatRevision(h.MaxChipRevisionFull)}" : "no max";
            Field("chip revision", $"min {ImageHeader.FormatRevision(h.MinChipRevisionFull)}, {max}");
        }

        // esptool's ESP8266 header: no extended header, so no chip, revisions or hash; the version tells V1 from V2.
        if (image.Esp8266 is { } e8)
        {
            Field("image version", e8.ImageVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Field("entry", $"0x{e8.EntryAddress:x8}");
            Field("flash", $"{e8.FlashModeName}, {e8.FlashFrequencyName}, {e8.FlashSizeName}");
        }

        if (image.Checksum is { } c)
        {
            Field("checksum", c.Valid ? $"0x{c.Stored:x2} (valid)" : $"0x{c.Stored:x2} (invalid, computed 0x{c.Computed:x2})");
        }

        if (image.Header is not null)
        {
            Field("SHA-256", image.Hash is null ? (image.Header.HashAppended == 1 ? "missing: the file ends before it" : "not appended")
                : image.Hash.Valid ? $"{Convert.ToHexStringLower(image.Hash.Stored)} (valid)"
                : $"{Convert.ToHexStringLower(image.Hash.Stored)} (invalid, computed {Convert.ToHexStringLower(image.Hash.Computed)})");
            Field("signature", DescribeSignatures(image));
        }

        if (image.Segments.Count > 0)
        {
            o.WriteLine("  segments:");
            o.WriteLine("     #  load addr   length    file offs   memory types");
            foreach (var s in image.Segments)
            {
                o.WriteLine($"    {s.Index,2}  0x{s.LoadAddress:x8}  0x{s.Length:x6}  0x{s.HeaderOffset:x8}  {string.Join(", ", s.MemoryTypes)}");
            }
        }
    }

    public void Write(PartitionTable table)
    {
        o.WriteLine($"{table.File}: partition table, {table.Entries.Count} entries — {(table.Valid ? "valid" : "INVALID")}");
        Field("MD5", table.Md5 is not { } md5 ? "none" : md5.Valid ? $"{Convert.ToHexStringLower(md5.Stored)} (valid)" : $"{Convert.ToHexStringLower(md5.Stored)} (invalid)");
        o.WriteLine("     name              type  subtype     offset      size");
        foreach (var e in table.Entries)
        {
            var flags = string.Join(":", new[] { e.Encrypted ? "encrypted" : null, e.ReadOnly ? "readonly" : null }.OfType<string>());
            o.WriteLine($"    {e.Name,-17} {e.TypeName,-5} {e.SubtypeName,-10} 0x{e.Offset:x8}  {PartitionNames.FormatSize(e.Size),-6} {flags}".TrimEnd());
        }

        var slots = table.OtaSlots.ToList();
        Field("OTA slots", slots.Count == 0 ? "none: this table cannot receive OTA updates"
            : string.Join(", ", slots.Select(s => $"{s.Name} {s.Size} bytes ({PartitionNames.FormatSize(s.Size)})")));
    }

    public void Write(BuildInspection build)
    {
        if (build.Project is { } p)
        {
            o.WriteLine($"{build.Directory}: idf.py build of '{p.ProjectName}' {p.ProjectVersion} for {p.Target} (ESP-IDF {p.IdfVersion}) — {(build.Valid ? "valid" : "INVALID")}");
        }
        else
        {
            o.WriteLine($"{build.Directory}: INVALID build directory");
        }

        foreach (var image in new[] { build.App, build.Bootloader }.OfType<ImageInspection>())
        {
            o.WriteLine();
            Write(image);
        }

        if (build.PartitionTable is { } table)
        {
            o.WriteLine();
            Write(table);
        }

        if (build.CrossChecks.Count > 0)
        {
            o.WriteLine();
            o.WriteLine("cross-checks:");
            foreach (var c in build.CrossChecks)
            {
                o.WriteLine($"  {(c.Passed ? "ok  " : "FAIL")} {c.Name}: expected {c.Expected}, found {c.Actual}");
            }
        }
    }

    private string DescribeSignatures(ImageInspection image) => image.Trailer switch
    {
        TrailerKind.SecureBootV2 => string.Join("; ", image.Signatures.Select(s =>
            $"Secure Boot V2 block {s.Index}: {s.Scheme}, digest {(s.DigestMatches ? "matches" : "DOES NOT MATCH")}, " +
            $"signature {(s.SignatureValid switch { true => "valid", false => "INVALID", null => "not checked" })}, key digest {Convert.ToHexStringLower(s.KeyDigest)}{SignedBy(s)}")),
        TrailerKind.SecureBootV1 => "Secure Boot V1 / signed-app ECDSA signature appended (verify it with the public key)",
        TrailerKind.ErasedFill => "none (0xFF filler after the image)",
        TrailerKind.Unknown => "unrecognised bytes after the image",
        _ => "none",
    };

    private string SignedBy(SignatureBlock block) => signers is null ? ""
        : signers.TryGetValue(Convert.ToHexStringLower(block.KeyDigest), out var name) ? $", signed by {name}"
        : ", by none of the keys given";

    private void Field(string name, string value) => o.WriteLine($"  {name,-15} {value}");
}
