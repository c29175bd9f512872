using System.Text;

namespace EspRelease.DevServer;

/// <summary>
/// Keeps secrets out of the request log. An Azure SAS carries its signature in <c>sig=</c>; other hosts use
/// tokens or signatures under similar names. Their values are replaced; everything else is kept as sent.
/// </summary>
public static class SecretRedaction
{
    public const string Replacement = "REDACTED";

    // Compared case-insensitively, after percent-decoding the name.
    private static readonly HashSet<string> _secretNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "sig", "signature", "x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-goog-signature",
        "token", "access_token", "sas", "key", "api_key", "apikey", "password", "secret", "code",
    };

    /// <summary>The request target with every secret query value replaced by <see cref="Replacement"/>.</summary>
    /// <param name="target">The request target as sent (path and query, or an absolute URL).</param>
    public static string RedactTarget(string target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var question = target.IndexOf('?', StringComparison.Ordinal);
        if (question < 0)
        {
            return target;
        }

        var sb = new StringBuilder(target.Length);
        sb.Append(target, 0, question + 1);
        var parameters = target[(question + 1)..].Split('&');
        for (var i = 0; i < parameters.Length; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            var parameter = parameters[i];
            var equals = parameter.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? parameter : parameter[..equals];
            if (equals >= 0 && _secretNames.Contains(Decode(name)))
            {
                sb.Append(name).Append('=').Append(Replacement);
            }
            else
            {
                sb.Append(parameter);
            }
        }

        return sb.ToString();
    }

    private static string Decode(string name)
    {
        try
        {
            return Uri.UnescapeDataString(name.Replace('+', ' '));
        }
        catch (UriFormatException)
        {
            return name;
        }
    }
}
