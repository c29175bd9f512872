using System.Net;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// An <c>s3://&lt;bucket&gt;[/&lt;prefix&gt;]</c> host address, checked against S3's bucket naming rules
/// before any request, so a typo is named here instead of coming back as a 400 or a 404 from the
/// service. An address never carries a credential or an endpoint: those come from the environment
/// (and <c>--s3-endpoint</c>).
/// </summary>
public sealed record S3Address(string Bucket, string Prefix)
{
    public const string Scheme = "s3://";

    /// <summary>What the address should look like, for messages.</summary>
    public const string Form = "s3://<bucket>[/<prefix>]";

    public static S3Address Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid(address, $"it does not start with {Scheme}");
        }

        if (address.IndexOfAny(['?', '#', '@']) >= 0)
        {
            throw Invalid(address, "it carries a query or a user part (a presigned URL or a key?); credentials never go into the address. They come from the AWS environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or the instance's role");
        }

        var parts = address[Scheme.Length..].TrimEnd('/').Split('/');
        var bucket = parts[0];
        if (bucket.Length == 0)
        {
            throw Invalid(address, "the bucket is missing");
        }

        if (!IsBucketName(bucket))
        {
            throw Invalid(address, $"\"{bucket}\" is not a bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit, no '..', not an IP address)");
        }

        var prefix = parts[1..];
        if (prefix.Any(s => s is "" or "." or ".." || s.Contains('\\', StringComparison.Ordinal)))
        {
            throw Invalid(address, "the prefix has an empty, '.', '..' or backslash segment");
        }

        return new S3Address(bucket, string.Join('/', prefix));
    }

    /// <summary>The object key of a host path: the prefix, then the path.</summary>
    public string Key(string path) => Prefix.Length == 0 ? path : $"{Prefix}/{path}";

    /// <summary>The host path of a key under the prefix.</summary>
    public string PathOf(string key) => Prefix.Length == 0 ? key : key[(Prefix.Length + 1)..];

    public override string ToString() => $"{Scheme}{Bucket}{(Prefix.Length == 0 ? "" : "/" + Prefix)}";

    private static bool IsBucketName(string name) =>
        name.Length is >= 3 and <= 63
        && name.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c) || c is '-' or '.')
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && !name.Contains("..", StringComparison.Ordinal)
        && !IPAddress.TryParse(name, out _);

    private static EspReleaseException Invalid(string address, string why) =>
        new(DiagnosticCodes.HostInvalid, $"\"{HostAddress.Redact(address)}\": not an S3 host: {why}. Expected {Form}, e.g. s3://my-firmware/releases.", kind: FailureKind.Usage);
}
