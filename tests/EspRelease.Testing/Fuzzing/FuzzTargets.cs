using EspRelease.Core.Certificates;
using EspRelease.Core.Configuration;
using EspRelease.Core.IdfBuild;
using EspRelease.Core.Images;
using EspRelease.Core.Manifests;
using EspRelease.Core.Partitions;
using EspRelease.Core.Releases;
using EspRelease.Core.Sdkconfig;
using EspRelease.Core.Signing;

namespace EspRelease.Testing.Fuzzing;

/// <summary>The entry points the CLI calls on a user's files, each with its seeds.</summary>
public static class FuzzTargets
{
    /// <summary>Every target's name, in the order cases go round them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "image", "image-file", "partitions", "partitions-file", "build", "jws", "manifest", "verify-manifest", "release-dir",
        "key", "config", "sdkconfig", "kconfig", "project", "build-config",
    ];

    public static IReadOnlyList<FuzzTarget> Create(FuzzCorpus corpus)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        var keys = corpus.TrustedKeys;
        FuzzTarget[] targets =
        [
            // inspect <image>: the stream reader (pack, verify and probe hand it streams) and the path reader.
            new MemoryTarget("image", corpus.Images, file => Verdict(AppImageReader.Inspect(new MemoryStream(file.Bytes, writable: false), file.Name).Valid)),
            new FileTarget("image-file", corpus.Images, path =>
            {
                var image = AppImageReader.Inspect(path);
                // ca check --image: the PEM blocks an app embeds.
                _ = PemCertificates.FindInImage(path);
                return Verdict(image.Valid);
            }),
            new MemoryTarget("partitions", corpus.PartitionTables, file => Verdict(PartitionTable.Parse(file.Bytes, file.Name).Valid)),
            new FileTarget("partitions-file", corpus.PartitionTables, path => Verdict(PartitionTable.Read(path).Valid)),
            // inspect/pack <build-dir>: project_description.json, flasher_args.json, the app, the bootloader, the table.
            new TreeTarget("build", corpus.BuildFiles, corpus.BuildSeeds, root => Verdict(IdfBuildReader.Inspect(root).Valid)),
            new JwsTarget(corpus),
            // A packed manifest, and a staged channel pointer (action, sequence, the rollout member) made from it.
            new MemoryTarget("manifest", [new FuzzSeed(ReleaseNaming.ManifestJson, corpus.ManifestJson, SeedFormat.Json), new FuzzSeed("beta.json", StagedPointer(corpus), SeedFormat.Json)], file =>
            {
                _ = ManifestSerializer.Deserialize(file.Bytes, file.Name);
                return FuzzOutcome.Ok;
            }),
            new VerifyManifestTarget(corpus),
            // verify <release-dir>: manifest.jws, manifest.json beside it, and the firmware it names.
            new ReleaseDirTarget(corpus),
            // verify --key / pack --key: a public or private key PEM.
            new FileTarget("key", corpus.KeyPems, path =>
            {
                _ = Path.GetFileName(path) == "key.pem" ? SigningKey.Resolve(path, _ => null).PublicKey : VerificationKey.Load(path);
                return FuzzOutcome.Ok;
            }),
            new FileTarget("config", corpus.Configs, path =>
            {
                _ = EspReleaseConfig.Load(path, Path.GetDirectoryName(path)!);
                return FuzzOutcome.Ok;
            }),
            new MemoryTarget("sdkconfig", corpus.Sdkconfigs, file =>
            {
                // sdkconfig get/set/url: read, list, look up, change a value and write it back.
                var sdkconfig = SdkconfigFile.Parse(file.Bytes, file.Name);
                _ = sdkconfig.Entries;
                _ = sdkconfig.Warnings;
                _ = sdkconfig.Get("IDF_TARGET");
                sdkconfig.Set("EXAMPLE_FIRMWARE_UPGRADE_URL", SdkconfigValue.OfString("https://192.168.0.3:8070/blink.bin"));
                _ = sdkconfig.ToBytes();
                return FuzzOutcome.Ok;
            }),
            new FileTarget("kconfig", corpus.Kconfigs, path =>
            {
                _ = OtaUrlOption.Find(KconfigFile.Read(path), [path], path, explicitName: null);
                return FuzzOutcome.Ok;
            }),
            // sdkconfig check/get/url and ca --project: the project's sdkconfig files, Kconfig, CMakeLists.txt and CA file.
            new TreeTarget("project", corpus.ProjectFiles, corpus.ProjectSeeds, root =>
            {
                var project = SdkconfigProject.Open(root);
                _ = SdkconfigSecurity.Check(project);
                _ = project.FindUrlOption(explicitName: null);
                _ = project.Effective("EXAMPLE_FIRMWARE_UPGRADE_URL");
                var ca = ProjectCaFile.Locate(root);
                _ = File.Exists(ca.Path) ? PemCertificates.ReadFile(ca.Path) : [];
                return FuzzOutcome.Ok;
            }),
            // pack's release guard: build/config/sdkconfig.json, with the project's Kconfig beside it.
            new TreeTarget("build-config", new Dictionary<string, byte[]>(corpus.ProjectFiles) { [corpus.SdkconfigJson.Name] = corpus.SdkconfigJson.Bytes }, [corpus.SdkconfigJson], root =>
            {
                _ = SdkconfigSecurity.CheckBuild(Path.Combine(root, "build"));
                return FuzzOutcome.Ok;
            }),
        ];
        return targets;
    }

    private static FuzzOutcome Verdict(bool valid) => valid ? FuzzOutcome.Ok : FuzzOutcome.Typed;

    /// <summary>verify &lt;file.jws&gt;'s first steps: the payload read without the signature (for reports), then the signature.</summary>
    private sealed class JwsTarget(FuzzCorpus corpus) : FuzzTarget("jws")
    {
        public override FuzzInput Generate(Random rng) => FuzzInput.Of(ReleaseNaming.ManifestJws, JwsMutator.Mutate(corpus, rng).Jws);

        public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace)
        {
            var jws = Text.Decode(input.Files[0].Bytes);
            _ = CompactJws.TryReadPayload(jws);
            _ = CompactJws.Verify(jws, corpus.TrustedKeys, ReleaseNaming.ManifestJws);
            return FuzzOutcome.Ok;
        }
    }

    private static byte[] StagedPointer(FuzzCorpus corpus) => ManifestSerializer.Serialize(ManifestSerializer.Deserialize(corpus.ManifestJson, "seed") with
    {
        Channel = "beta", Sequence = 3, Action = "rollout", Rollout = new RolloutState(10, "AAAAAAAAAAAAAAAAAAAAAA"),
    });

    /// <summary>The signature, the manifest's form and manifest.json against the signed payload (verify, promote, rollback, probe).</summary>
    private sealed class VerifyManifestTarget(FuzzCorpus corpus) : FuzzTarget("verify-manifest")
    {
        public override FuzzInput Generate(Random rng) => GenerateRelease(corpus, rng, firmware: false);

        public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace)
        {
            _ = ReleaseVerifier.VerifyManifest(Text.Decode(input[ReleaseNaming.ManifestJws]), ReleaseNaming.ManifestJws, corpus.TrustedKeys,
                input.Find(ReleaseNaming.ManifestJson), ReleaseNaming.ManifestJson);
            return FuzzOutcome.Ok;
        }
    }

    private sealed class ReleaseDirTarget(FuzzCorpus corpus) : FuzzTarget("release-dir")
    {
        public override FuzzInput Generate(Random rng) => GenerateRelease(corpus, rng, firmware: true);

        public override FuzzOutcome Run(FuzzInput input, FuzzWorkspace workspace)
        {
            var tree = workspace.Get(this, dir => new ScratchTree(dir, corpus.ReleaseFiles));
            using (tree.Apply(input))
            {
                _ = ReleaseVerifier.VerifyLocal(tree.Root, corpus.TrustedKeys);
                return FuzzOutcome.Ok;
            }
        }
    }

    /// <summary>
    /// A release's files: a mutated manifest.jws, and beside it manifest.json as the signed payload, the
    /// packed one, a mutant of it, or none; with <paramref name="firmware"/>, sometimes instead the
    /// firmware mutated under an intact manifest.
    /// </summary>
    private static FuzzInput GenerateRelease(FuzzCorpus corpus, Random rng, bool firmware)
    {
        if (firmware && rng.Next(4) == 0)
        {
            // The firmware is the build's app, copied: its seed (with the header fields marked) under the release's name.
            var name = corpus.ReleaseFiles.Keys.Single(n => n.EndsWith(".bin", StringComparison.Ordinal));
            return FuzzInput.Of(name, Mutations.Apply(corpus.BuildSeeds.Single(s => s.Name == "blink.bin"), rng));
        }

        var (jws, payload) = JwsMutator.Mutate(corpus, rng);
        var files = new List<FuzzFile> { new(ReleaseNaming.ManifestJws, jws) };
        var json = rng.Next(5) switch
        {
            0 or 1 => payload,
            2 => corpus.ManifestJson,
            3 => Mutations.Apply(corpus.ManifestJson, SeedFormat.Json, rng),
            _ => null,
        };
        // In a release folder, "none" leaves the packed manifest.json in place.
        if (json is not null)
        {
            files.Add(new FuzzFile(ReleaseNaming.ManifestJson, json));
        }

        return new FuzzInput(files);
    }
}
