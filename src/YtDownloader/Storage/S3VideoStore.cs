using System.Buffers;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace YtDownloader.Storage;

/// <summary>
/// Streams into S3 with a multipart upload fed from a non-seekable stream: parts are read one at a time
/// and uploaded with bounded parallelism, so memory stays near part size times parallel parts whatever
/// the video's size. Any failure aborts the upload: no partial object, no orphaned parts.
/// </summary>
internal sealed class S3VideoStore(IAmazonS3 s3, IOptions<StorageOptions> options, TimeProvider time, ILogger<S3VideoStore> logger)
    : IVideoStore
{
    private readonly S3StorageOptions _options = options.Value.S3;

    // Not ArrayPool.Shared: it keeps a returned array in the returning thread's own slot, so part buffers handed
    // between thread-pool threads pile up, one per thread, and memory grows with the length of the video.
    private readonly ArrayPool<byte> _partBuffers = ArrayPool<byte>.Create(options.Value.S3.PartSize, options.Value.S3.ParallelParts);
    private string Bucket => _options.Bucket!;

    public async Task<StoredObject> SaveAsync(
        string key, Stream content, ObjectDescription description, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        var initiate = new InitiateMultipartUploadRequest { BucketName = Bucket, Key = key, ContentType = description.ContentType };
        initiate.Headers.ContentDisposition = ObjectKeys.ContentDisposition(description.FileName);
        foreach (var (name, value) in description.Metadata)
            initiate.Metadata.Add(name, value);

        string uploadId;
        try
        {
            uploadId = (await s3.InitiateMultipartUploadAsync(initiate, cancellationToken)).UploadId;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Describe(ex, "start the upload");
        }

        try
        {
            var (parts, size) = await UploadPartsAsync(key, uploadId, content, progress, cancellationToken);
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = parts,
            }, cancellationToken);
            return new StoredObject(key, Bucket, size, description.ContentType, ObjectUrl(key), await PresignAsync(key));
        }
        catch (Exception ex)
        {
            await AbortAsync(key, uploadId);
            if (IsStorageFailure(ex))
                throw Describe(ex, "write the video");
            throw;
        }
    }

    private async Task<(List<PartETag> Parts, long Size)> UploadPartsAsync(
        string key, string uploadId, Stream content, IProgress<long>? progress, CancellationToken cancellationToken)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var slots = new SemaphoreSlim(_options.ParallelParts);
        var uploads = new List<Task<PartETag>>();
        long size = 0, uploaded = 0;
        try
        {
            for (var partNumber = 1; ; partNumber++)
            {
                // A slot is taken before the buffer is rented: at most ParallelParts buffers exist at once.
                await slots.WaitAsync(failed.Token);
                var buffer = _partBuffers.Rent(_options.PartSize);
                int length;
                try
                {
                    length = await content.ReadAtLeastAsync(buffer.AsMemory(0, _options.PartSize), _options.PartSize, throwOnEndOfStream: false, failed.Token);
                }
                catch
                {
                    _partBuffers.Return(buffer);
                    slots.Release();
                    throw;
                }
                if (length == 0 && partNumber > 1)
                {
                    _partBuffers.Return(buffer);
                    slots.Release();
                    break;
                }

                size += length;
                var number = partNumber;
                uploads.Add(Task.Run(async () =>
                {
                    try
                    {
                        using var body = new MemoryStream(buffer, 0, length, writable: false);
                        var response = await s3.UploadPartAsync(new UploadPartRequest
                        {
                            BucketName = Bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = body, PartSize = length,
                        }, failed.Token);
                        progress?.Report(Interlocked.Add(ref uploaded, length));
                        return new PartETag(number, response.ETag);
                    }
                    catch
                    {
                        await failed.CancelAsync();
                        throw;
                    }
                    finally
                    {
                        _partBuffers.Return(buffer);
                        slots.Release();
                    }
                }, CancellationToken.None));

                if (length < _options.PartSize)
                    break;
            }
            return ((await Task.WhenAll(uploads)).ToList(), size);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A part failed and cancelled the rest: report the part's own error, not the cancellation.
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw uploads.First(u => u.IsFaulted).Exception!.InnerException!;
        }
        catch
        {
            await Task.WhenAll(uploads.Select(u => u.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw;
        }
    }

    private async Task AbortAsync(string key, string uploadId)
    {
        try
        {
            // Not the caller's token: a cancelled save must still clean up after itself.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Could not abort multipart upload {UploadId} of {Key}; the bucket's lifecycle rules must clean it up", uploadId, key);
        }
    }

    private Uri ObjectUrl(string key)
    {
        var escapedKey = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return string.IsNullOrWhiteSpace(_options.ServiceUrl)
            ? new Uri($"https://{Bucket}.s3.{_options.Region}.amazonaws.com/{escapedKey}")
            : new Uri($"{_options.ServiceUrl.TrimEnd('/')}/{Bucket}/{escapedKey}");
    }

    private async Task<Uri> PresignAsync(string key)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = time.GetUtcNow().Add(_options.PresignedUrlLifetime).UtcDateTime,
        };
        if (_options.ServiceUrl?.StartsWith("http://", StringComparison.OrdinalIgnoreCase) == true)
            request.Protocol = Protocol.HTTP;
        return new Uri(await s3.GetPreSignedURLAsync(request));
    }

    private static bool IsStorageFailure(Exception ex) =>
        ex is AmazonServiceException or AmazonClientException or HttpRequestException or IOException;

    private StorageException Describe(Exception ex, string action)
    {
        var detail = ex switch
        {
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } => $"the bucket \u201c{Bucket}\u201d does not exist",
            AmazonS3Exception { ErrorCode: "AccessDenied" or "InvalidAccessKeyId" or "SignatureDoesNotMatch" } s3Error =>
                $"access was denied ({s3Error.ErrorCode}): check the credentials and the bucket policy",
            AmazonServiceException service => $"{service.ErrorCode ?? service.StatusCode.ToString()}: {service.Message}",
            _ => $"the storage server could not be reached ({ex.Message})",
        };
        return new StorageException($"Could not {action} in S3: {detail}. Nothing was left in the bucket.", ex);
    }
}
