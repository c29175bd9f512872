using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using EspRelease.Core.Diagnostics;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Whether the service honours conditional PUTs (If-None-Match: *, If-Match). AWS S3, Cloudflare R2
/// and MinIO do; some S3-compatible servers (s3rver 3.7.1 among them) store the object regardless,
/// which would turn "exactly one publisher wins" into "the last one wins, silently". Found out once
/// per host, before the first write: PUT <c>&lt;prefix&gt;/.esp-release/conditional-writes</c> with
/// If-None-Match: * (an honouring service answers 412 once the object exists), and if that was
/// accepted, the same PUT again, which must then be refused. The small object stays, so later runs
/// need one request and publishing never needs s3:DeleteObject.
/// </summary>
internal sealed class S3ConditionalWrites(AmazonS3Client client, S3Address address, Func<string, string> url)
{
    /// <summary>The probe object's path under the host's prefix.</summary>
    public const string ProbePath = S3Host.InternalFolder + "conditional-writes";

    private readonly Lock _lock = new();
    private Task<bool>? _honoured;

    /// <summary>True when the service refuses a PUT whose condition does not hold.</summary>
    public Task<bool> HonouredAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // A failed probe (network) is not remembered: the next write asks again.
            if (_honoured is null || _honoured.IsFaulted || _honoured.IsCanceled)
            {
                _honoured = ProbeAsync(cancellationToken);
            }

            return _honoured;
        }
    }

    /// <summary>412 PreconditionFailed, or AWS's 409 ConditionalRequestConflict when another conditional write to the key was in flight.</summary>
    public static bool IsConditionFailure(AmazonS3Exception e) =>
        e.StatusCode == HttpStatusCode.PreconditionFailed || (e.StatusCode == HttpStatusCode.Conflict && e.ErrorCode == "ConditionalRequestConflict");

    /// <summary>The error when a pointer would be replaced on a service that ignores If-Match.</summary>
    public EspReleaseException Refusal(string pointerUrl) =>
        new(DiagnosticCodes.S3ConditionalWritesIgnored,
            $"{pointerUrl}: not replaced: this S3 service ignores conditional writes (a PUT with If-None-Match: * to {url(ProbePath)} was stored although the object existed), so two publishers at the same time would overwrite each other's channel pointer without an error. Use a service that honours If-Match (AWS S3, Cloudflare R2, MinIO), or, if only one publisher can run at a time (e.g. a CI concurrency group), pass --s3-unconditional-writes (or set {S3HostOptions.UnconditionalWritesVariable}=1).",
            pointerUrl, FailureKind.Host);

    private async Task<bool> ProbeAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 2; attempt++)
        {
            try
            {
                await client.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = address.Bucket,
                    Key = address.Key(ProbePath),
                    ContentBody = "esp-release checks here whether this service honours If-None-Match: * on PUT.\n",
                    ContentType = "text/plain",
                    IfNoneMatch = "*",
                }, cancellationToken);
            }
            catch (AmazonS3Exception e) when (IsConditionFailure(e))
            {
                return true;
            }
            catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotImplemented)
            {
                // A service that says it does not implement the header: the same as one that ignores it.
                return false;
            }
        }

        // Stored twice although it existed the second time.
        return false;
    }
}
