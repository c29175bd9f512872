using System.Text;
using EspRelease.Core.Signing;

namespace EspRelease.Testing.Fuzzing;

/// <summary>
/// Mutants of the packed release's compact JWS. Its header or payload is decoded, mutated as JSON and
/// encoded again, mostly re-signed with the release key, so the mutant gets past the signature into
/// the manifest reader, as a release signed with a stolen or careless key would; or its signature is
/// mutated; then sometimes the text itself (dots, padding, whitespace, characters outside base64url).
/// </summary>
public static class JwsMutator
{
    /// <summary>A mutated JWS and the payload it carries (what a manifest.json beside it would hold).</summary>
    public static (byte[] Jws, byte[] Payload) Mutate(FuzzCorpus corpus, Random rng)
    {
        var parts = corpus.Jws.Trim().Split('.');
        var header = Base64Url.TryDecode(parts[0])!;
        var payload = Base64Url.TryDecode(parts[1])!;
        var signature = Base64Url.TryDecode(parts[2])!;
        var resign = false;
        switch (rng.Next(10))
        {
            case < 3:
                header = Mutations.Apply(header, SeedFormat.Json, rng);
                resign = rng.Next(2) == 0;
                break;
            case < 8:
                payload = Mutations.Apply(payload, SeedFormat.Json, rng);
                resign = rng.Next(8) != 0;
                break;
            case 8:
                signature = Mutations.Apply(signature, SeedFormat.Binary, rng);
                break;
            default:
                // A signature by a key nobody trusts, under the trusted key's kid.
                signature = corpus.UntrustedKey.Sign(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]));
                break;
        }

        var signingInput = Base64Url.Encode(header) + "." + Base64Url.Encode(payload);
        if (resign)
        {
            signature = corpus.Key.Sign(Encoding.ASCII.GetBytes(signingInput));
        }

        var jws = Encoding.ASCII.GetBytes(signingInput + "." + Base64Url.Encode(signature) + "\n");
        if (rng.Next(4) == 0)
        {
            jws = Mutations.Apply(jws, SeedFormat.Binary, rng);
        }

        return (jws, payload);
    }
}
