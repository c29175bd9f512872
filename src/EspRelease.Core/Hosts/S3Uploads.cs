using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace EspRelease.Core.Hosts;

/// <summary>
/// Puts bytes into S3: one PUT up to <see cref="S3HostOptions.MultipartThreshold"/>, else a
/// multipart upload whose object becomes visible only when CompleteMultipartUpload commits every
/// part at once (with the same If-None-Match), so a device never sees half a firmware. Each request
/// carries Content-MD5, so the service refuses bytes damaged on the way.
/// </summary>
internal sealed class S3Uploads(AmazonS3Client client, string bucket, S3HostOptions options)
{
    /// <summary>What every upload sets; the conditions only where asked.</summary>
    public sealed record Headers(string ContentType, string CacheControl, string Sha256, string? IfNoneMatch = null, string? IfMatch = null);

    public async Task PutAsync(string key, byte[] content, Headers headers, CancellationToken cancellationToken)
    {
        using var input = new MemoryStream(content, writable: false);
        await client.PutObjectAsync(Put(key, input, Md5(content), headers), cancellationToken);
    }

    public async Task UploadFileAsync(string key, string localFile, Headers headers, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var total = new FileInfo(localFile).Length;
        if (total > options.MultipartThreshold)
        {
            await MultipartAsync(key, localFile, total, headers, progress, cancellationToken);
            return;
        }

        string md5;
        await using (var hashing = Open(localFile))
        {
            md5 = await Md5Async(hashing, cancellationToken);
        }

        await using var input = Open(localFile);
        var request = Put(key, input, md5, headers);
        if (progress is not null)
        {
            request.StreamTransferProgress += (_, e) => progress.Report((e.TransferredBytes, total));
        }

        await client.PutObjectAsync(request, cancellationToken);
        progress?.Report((total, total));
    }

    private async Task MultipartAsync(string key, string localFile, long total, Headers headers, IProgress<(long Done, long Total)>? progress, CancellationToken cancellationToken)
    {
        var started = await client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = key,
            ContentType = headers.ContentType,
            Headers = { CacheControl = headers.CacheControl },
            Metadata = { [S3Host.Sha256Metadata] = headers.Sha256 },
        }, cancellationToken);
        try
        {
            var parts = new List<PartETag>();
            await using var file = Open(localFile);
            var buffer = new byte[options.PartSize];
            long done = 0;
            for (var number = 1; done < total; number++)
            {
                var length = await file.ReadAtLeastAsync(buffer, (int)Math.Min(buffer.Length, total - done), throwOnEndOfStream: true, cancellationToken);
                using var part = new MemoryStream(buffer, 0, length, writable: false);
                var uploaded = await client.UploadPartAsync(new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = started.UploadId,
                    PartNumber = number,
                    InputStream = part,
                    PartSize = length,
                    MD5Digest = Md5(buffer.AsSpan(0, length)),
                    UseChunkEncoding = false,
                }, cancellationToken);
                parts.Add(new PartETag(number, uploaded.ETag));
                done += length;
                progress?.Report((done, total));
            }

            await client.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = key,
                UploadId = started.UploadId,
                PartETags = parts,
                IfNoneMatch = headers.IfNoneMatch,
            }, cancellationToken);
        }
        catch
        {
            await AbortAsync(key, started.UploadId);
            throw;
        }
    }

    // Parts of an abandoned upload are stored (and billed) until aborted; a dead endpoint makes this
    // fail too, which is why the README recommends a lifecycle rule that aborts incomplete uploads.
    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or IOException or OperationCanceledException or Amazon.Runtime.AmazonClientException)
        {
            // The upload's own failure is what the user needs to see.
        }
    }

    private PutObjectRequest Put(string key, Stream input, string md5, Headers headers)
    {
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            InputStream = input,
            AutoCloseStream = false,
            ContentType = headers.ContentType,
            MD5Digest = md5,
            Headers = { CacheControl = headers.CacheControl },
            Metadata = { [S3Host.Sha256Metadata] = headers.Sha256 },
            IfNoneMatch = headers.IfNoneMatch,
            IfMatch = headers.IfMatch,
            // One signed payload rather than aws-chunked: S3 takes both, and some S3-compatible
            // servers (s3rver 3.7.1) store an aws-chunked body without decoding it.
            UseChunkEncoding = false,
        };
        return request;
    }

    private static FileStream Open(string localFile) =>
        new(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, FileOptions.SequentialScan | FileOptions.Asynchronous);

    // Content-MD5 is the hash S3 checks on the way in; what a device trusts is the SHA-256 in the
    // signed manifest, so MD5's weakness costs nothing here.
#pragma warning disable CA5351
    private static string Md5(ReadOnlySpan<byte> content) => Convert.ToBase64String(MD5.HashData(content));

    private static async Task<string> Md5Async(Stream content, CancellationToken cancellationToken) =>
        Convert.ToBase64String(await MD5.HashDataAsync(content, cancellationToken));
#pragma warning restore CA5351
}
