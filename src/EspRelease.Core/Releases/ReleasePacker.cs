using EspRelease.Core.Diagnostics;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.Images.SecureBoot;
using EspRelease.Core.IO;
using EspRelease.Core.Manifests;
using EspRelease.Core.Sdkconfig;
using EspRelease.Core.Signing;
using EspRelease.Core.Versioning;

namespace EspRelease.Core.Releases;

/// <summary>
/// <c>pack</c>: from an idf.py build directory to a signed release directory. Everything
/// <c>inspect</c> checks must pass (any error refuses the release), then the version rules, then
/// the firmware, manifest.json and manifest.jws are written, the JWS last.
/// </summary>
public static class ReleasePacker
{
    public static PackedRelease Pack(PackOptions options)
    {
        var buildDir = IdfBuildReader.ResolveBuildDirectory(options.BuildDirectory)
            ?? throw new EspReleaseException(DiagnosticCodes.UnknownInput,
                $"{options.BuildDirectory}: not an idf.py build directory (no {ProjectDescription.FileName} in it or in its build/ folder). Run `idf.py build`, then pass the project's build directory.",
                options.BuildDirectory, FailureKind.Usage);
        var channel = ReleaseNaming.ValidateChannel(options.Channel);
        var signerReady = options.Key.WarmUpAsync();
        Directory.CreateDirectory(options.OutputDirectory);

        // Copy first and inspect the copy: the bytes validated and hashed are the bytes shipped, read once.
        var staged = AtomicFile.TempPathFor(Path.Combine(options.OutputDirectory, "firmware.bin"));
        try
        {
            var build = IdfBuildReader.Inspect(buildDir, appPath => InspectCopy(appPath, staged));

            // The release guard: a build whose sdkconfig weakens OTA security is refused unless AllowInsecure.
            var security = SdkconfigSecurity.CheckBuild(buildDir);
            var guard = security is null ? [] : SdkconfigSecurity.ForRelease(security, options.AllowInsecure);
            var diagnostics = build.AllDiagnostics.Concat(guard).ToList();
            var errors = diagnostics.Where(d => d.Severity == Severity.Error).ToList();
            if (errors.Count > 0)
            {
                throw new EspReleaseException([.. errors, .. diagnostics.Where(d => d.Severity == Severity.Warning)]);
            }

            var warnings = diagnostics;
            var app = options.SecureBootKeys.Count > 0 ? SignStaged(build, staged, options.SecureBootKeys) : build.App!;
            var descriptor = app.App!;
            var chip = app.Chip!;
            var project = build.Project!;

            VersionRules.EnsureKept(descriptor.Version, app.File);
            if (project.ProjectVersion is { } fullVersion)
            {
                VersionRules.EnsureKept(fullVersion, Path.Combine(buildDir, ProjectDescription.FileName));
            }

            var version = ReleaseVersion.Parse(descriptor.Version);
            if (GitExpectedVersion.IsRequested(options.ExpectedVersion))
            {
                warnings.AddRange(GitExpectedVersion.EnsureRequested(options.ExpectedVersion!, version, GitExpectedVersion.ProjectDirectory(buildDir, project), app.File));
            }
            else
            {
                VersionRules.EnsureExpected(version, options.ExpectedVersion, app.File);
            }
            if (VersionRules.EnsureOrderable(version, options.AllowNonSemver, app.File) is { } skipped)
            {
                warnings.Add(skipped);
            }

            var efuseBits = security?.View.Get("BOOTLOADER_APP_SEC_VER_SIZE_EFUSE_FIELD")?.Value.Text is { } width && int.TryParse(width, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed) ? parsed : (int?)null;
            VersionRules.EnsureSecureVersionFits(descriptor.SecureVersion, chip, app.File, efuseBits);

            var firmwareName = ReleaseNaming.FirmwareFileName(descriptor.ProjectName, descriptor.Version, chip.IdfTarget);
            var manifest = new ReleaseManifest
            {
                Project = descriptor.ProjectName,
                Version = descriptor.Version,
                Chip = chip.IdfTarget,
                ChipId = chip.Id,
                MinChipRevision = app.Header!.MinChipRevisionFull,
                MaxChipRevision = app.Header.HasMaxChipRevision ? app.Header.MaxChipRevisionFull : null,
                SecureVersion = descriptor.SecureVersion,
                IdfVersion = descriptor.IdfVersion,
                ElfSha256 = descriptor.ElfSha256.AsSpan().ContainsAnyExcept((byte)0) ? Convert.ToHexStringLower(descriptor.ElfSha256) : null,
                Firmware = new FirmwareReference(firmwareName, app.Size, Convert.ToHexStringLower(app.FileSha256!), app.Hash is { } h ? Convert.ToHexStringLower(h.Stored) : null),
                Channel = channel,
                Sequence = 0,
                Created = options.Created,
            };

            var manifestBytes = ManifestSerializer.Serialize(manifest);
            signerReady.Wait();
            var jws = CompactJws.Sign(manifestBytes, options.Key);

            var firmwarePath = Path.Combine(options.OutputDirectory, firmwareName);
            // Local output: atomic (rename) but not flushed to disk; publish flushes what it puts on a host.
            AtomicFile.Commit(staged, firmwarePath, durable: false);
            AtomicFile.WriteAllBytes(Path.Combine(options.OutputDirectory, ReleaseNaming.ManifestJson), manifestBytes, durable: false);
            FactoryImage? factory = null;
            if (options.Factory)
            {
                factory = FactoryImageWriter.Write(build, firmwarePath, Path.Combine(options.OutputDirectory, ReleaseNaming.FactoryFolder),
                    ReleaseNaming.FactoryFileName(descriptor.ProjectName, descriptor.Version, chip.IdfTarget), descriptor.ProjectName, descriptor.Version, chip);
            }

            // The signed manifest last: a directory with a manifest.jws always has everything it names.
            AtomicFile.WriteAllBytes(Path.Combine(options.OutputDirectory, ReleaseNaming.ManifestJws), System.Text.Encoding.ASCII.GetBytes(jws + "\n"), durable: false);

            return new PackedRelease
            {
                Directory = options.OutputDirectory,
                Manifest = manifest,
                ManifestBytes = manifestBytes,
                Jws = jws,
                KeyId = options.Key.KeyId,
                FirmwarePath = firmwarePath,
                Factory = factory,
                Warnings = warnings,
                Build = build,
            };
        }
        finally
        {
            File.Delete(staged);
        }
    }

    // Signs the staged copy in place and inspects the result: the size and SHA-256 the manifest binds are the signed file's.
    // Signing adds up to 8 KiB (0xFF to the 4 KiB boundary, then the signature sector), so the slot is checked again.
    private static ImageInspection SignStaged(BuildInspection build, string staged, IReadOnlyList<SecureBootKey> keys)
    {
        var unsigned = build.App!;
        var signed = SecureBootSigner.Sign(File.ReadAllBytes(staged), unsigned.File, keys);
        if (build.PartitionTable?.SmallestOtaSlot is { } slot && signed.Bytes.Length > slot.Size)
        {
            throw new EspReleaseException(DiagnosticCodes.AppTooLargeForSlot,
                $"{unsigned.File}: signed for Secure Boot V2 the app is {signed.Bytes.Length} bytes (0x{signed.Bytes.Length:x}: padded to 4 KiB, then the 4 KiB signature sector), but the smallest app slot '{slot.Name}' holds {slot.Size} bytes (0x{slot.Size:x}); the device would refuse the update. Make the slots bigger in partitions.csv, or the app smaller.", unsigned.File);
        }

        File.WriteAllBytes(staged, signed.Bytes);
        return AppImageReader.Inspect(new MemoryStream(signed.Bytes, writable: false), unsigned.File);
    }

    private static ImageInspection InspectCopy(string appPath, string staged)
    {
        // Only a regular file this user may read is copied (a device never ends, a named pipe blocks File.Copy);
        // anything else is reported as the reader reports it.
        try
        {
            InputFile.OpenRead(appPath).Dispose();
        }
        catch (EspReleaseException)
        {
            return AppImageReader.Inspect(appPath);
        }

        File.Copy(appPath, staged, overwrite: true);
        File.SetAttributes(staged, FileAttributes.Normal); // a read-only build output must not make the release read-only
        using var stream = File.OpenRead(staged);
        return AppImageReader.Inspect(stream, appPath);
    }
}
