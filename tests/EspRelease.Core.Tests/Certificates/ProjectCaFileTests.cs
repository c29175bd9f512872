using EspRelease.Core.Certificates;
using EspRelease.Core.Diagnostics;
using EspRelease.Core.Signing;
using EspRelease.Testing;

namespace EspRelease.Core.Tests.Certificates;

/// <summary>Which embedded .pem is the CA file: `ca fetch` and `ca dev --project` overwrite it.</summary>
public sealed class ProjectCaFileTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void An_embedded_public_key_listed_first_is_not_taken_for_the_CA_file()
    {
        var project = Project("""
            idf_component_register(SRCS "main.c"
                                   EMBED_TXTFILES ${project_dir}/keys/signing-key.pub.pem ${project_dir}/server_certs/ca_cert.pem)
            """);
        var key = Path.Combine(project, "keys", "signing-key.pub.pem");
        Directory.CreateDirectory(Path.GetDirectoryName(key)!);
        File.WriteAllText(key, SigningKey.Generate().PublicKey.ExportPem());

        var location = ProjectCaFile.Locate(project);

        Assert.Equal(Path.Combine(project, "server_certs", "ca_cert.pem"), location.Path);
    }

    [Fact]
    public void An_existing_file_with_certificates_wins_over_a_missing_one()
    {
        var project = Project("""
            idf_component_register(SRCS "main.c" EMBED_TXTFILES ../certs/new.pem ../certs/root.pem)
            """);
        var root = Path.Combine(project, "certs", "root.pem");
        Directory.CreateDirectory(Path.GetDirectoryName(root)!);
        File.WriteAllText(root, TestPki.ToPem(TestPki.CreateRoot("Root")));

        Assert.Equal(root, ProjectCaFile.Locate(project).Path);
    }

    [Fact]
    public void Only_key_files_embedded_falls_back_to_the_examples_default()
    {
        var project = Project("""
            idf_component_register(SRCS "main.c" EMBED_TXTFILES ${project_dir}/keys/signing-key.pub.pem)
            """);

        Assert.Equal(Path.Combine(project, "server_certs", "ca_cert.pem"), ProjectCaFile.Locate(project).Path);
    }

    [Fact]
    public void A_CA_file_name_with_a_NUL_is_a_typed_error_naming_the_file()
    {
        // Found by build/fuzz.sh (target project): a NUL in an EMBED_TXTFILES name, or in the bundle path
        // in sdkconfig, reached Path.GetFullPath, whose ArgumentException escaped as a tool fault.
        var project = Project("idf_component_register(SRCS \"main.c\" EMBED_TXTFILES ${project_dir}/serve\0r_certs/ca_cert.pem)\n");
        var cmake = Path.Combine(project, "main", "CMakeLists.txt");

        var e = Assert.Throws<EspReleaseException>(() => ProjectCaFile.Locate(project));

        Assert.Equal(DiagnosticCodes.CaFileNotFound, e.Diagnostic.Code);
        Assert.Equal(cmake, e.Diagnostic.File);
        Assert.Contains("EMBED_TXTFILES names", e.Message, StringComparison.Ordinal);
        Assert.Contains("\\u0000", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', e.Message);

        File.WriteAllText(cmake, "idf_component_register(SRCS \"main.c\")\n");
        File.WriteAllText(Path.Combine(project, "sdkconfig"), "CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH=\"certs/\0ca.pem\"\n");
        e = Assert.Throws<EspReleaseException>(() => ProjectCaFile.Locate(project));
        Assert.Contains("CONFIG_MBEDTLS_CUSTOM_CERTIFICATE_BUNDLE_PATH names", e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    private string Project(string mainCmake)
    {
        var project = _temp.Combine("firmware");
        Directory.CreateDirectory(Path.Combine(project, "main"));
        File.WriteAllText(Path.Combine(project, "main", "CMakeLists.txt"), mainCmake);
        return project;
    }
}
