using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;
using YtDownloader.Urls;

namespace YtDownloader.Storage;

/// <summary>
/// Streams into S3 with a multipart upload fed from a non-seekable stream: parts are read one at a time
/// and uploaded with bounded parallelism, so memory stays near part size times parallel parts whatever
/// the video's size. Any failure aborts the upload: no partial object, no orphaned parts.
/// </summary>
internal sealed class S3VideoStore(
    IAmazonS3 s3, IOptions<StorageOptions> options, TimeProvider time, AbandonedUploads abandoned, ILogger<S3VideoStore> logger)
    : IVideoStore
{
    private readonly S3StorageOptions _options = options.Value.S3;

    // Reused while uploads run, given up a second after the last buffer of any pool came back (BufferPool says why).
    private readonly BufferPool _partBuffers = new(mostKeptPerLength: options.Value.S3.ParallelParts);

    // Over TLS the body needs no signature of its own (UNSIGNED-PAYLOAD): that spares a SHA-256 pass over every
    // byte. The SDK refuses it over plain HTTP, where the part is hashed once, whole, from memory.
    private readonly bool _overTls = string.IsNullOrWhiteSpace(options.Value.S3.ServiceUrl)
        || options.Value.S3.ServiceUrl.StartsWith("https://", StringComparison.OrdinalIgnoreCase);
    private readonly string _prefix = options.Value.KeyPrefix;
    private string Bucket => _options.Bucket!;

    public string KeyFor(VideoId video, string title, string quality, string extension, IReadOnlyList<string> subtitles) =>
        ObjectKeys.For(_prefix, video, title, quality, extension, subtitles);

    public string SubtitleKeyFor(VideoId video, string title, string quality, string language) =>
        ObjectKeys.Subtitle(_prefix, video, title, quality, language);

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
            // Not the caller's token: an initiation cancelled in flight may still create the upload on the server, with
            // an ID we never learn and so could never abort. Cancellation is honoured right after, with an abort.
            using var initiating = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            uploadId = (await s3.InitiateMultipartUploadAsync(initiate, initiating.Token)).UploadId;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Describe(ex, "start the upload");
        }

        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (parts, size) = await UploadPartsAsync(key, uploadId, content, progress, cancellationToken);
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = Bucket, Key = key, UploadId = uploadId, PartETags = parts,
            }, cancellationToken);
            return new StoredObject(key, Bucket, size, description.ContentType, ObjectUrl(key), await LinksAsync(key, cancellationToken));
        }
        catch (Exception ex)
        {
            await AbortAsync(key, uploadId);
            if (IsStorageFailure(ex))
                throw Describe(ex, "write the video");
            throw;
        }
    }

    public async Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var head = await s3.GetObjectMetadataAsync(Bucket, key, cancellationToken);
            return new StoredObject(key, Bucket, head.ContentLength, head.Headers.ContentType, ObjectUrl(key), await LinksAsync(key, cancellationToken));
        }
        catch (AmazonS3Exception ex) when (ex.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Describe(ex, "look for the video");
        }
    }

    /// <summary>
    /// Presigned, so that they work on a private bucket; each says how the browser is to take the object
    /// (response-content-disposition, which the signature covers), whatever the object itself says.
    /// </summary>
    public async Task<ObjectLinks> LinksAsync(string key, CancellationToken cancellationToken)
    {
        var fileName = Path.GetFileName(key);
        return new ObjectLinks(
            await PresignAsync(key, ObjectKeys.ContentDisposition(fileName, inline: true)),
            await PresignAsync(key, ObjectKeys.ContentDisposition(fileName)));
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = Bucket }, cancellationToken);
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Describe(ex, "reach the bucket");
        }
    }

    public async Task AbortUnfinishedAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var open = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = key }, cancellationToken);
            foreach (var upload in (open.MultipartUploads ?? []).Where(u => u.Key == key))
            {
                await s3.AbortMultipartUploadAsync(
                    new AbortMultipartUploadRequest { BucketName = Bucket, Key = key, UploadId = upload.UploadId }, cancellationToken);
                logger.LogInformation("Aborted the unfinished multipart upload {UploadId} of {Key}", upload.UploadId, key);
            }
        }
        catch (Exception ex) when (IsStorageFailure(ex))
        {
            throw Describe(ex, "abort an unfinished upload");
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
                            DisablePayloadSigning = _overTls,
                            // aws-chunked signing copies the part through 80 KB buffers and signs each: the part is
                            // already in memory, so one hash of it, sent as it is, does less.
                            UseChunkEncoding = false,
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
            logger.LogError("Could not abort multipart upload {UploadId} of {Key} ({Error}); trying again in the background", uploadId, key, ex.Message);
            abandoned.Add(Bucket, key, uploadId);
        }
    }

    private Uri ObjectUrl(string key)
    {
        var escapedKey = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        return string.IsNullOrWhiteSpace(_options.ServiceUrl)
            ? new Uri($"https://{Bucket}.s3.{_options.Region}.amazonaws.com/{escapedKey}")
            : new Uri($"{_options.ServiceUrl.TrimEnd('/')}/{Bucket}/{escapedKey}");
    }

    private async Task<Uri> PresignAsync(string key, string contentDisposition)
    {
        var request = new GetPreSignedUrlRequest
        {
            BucketName = Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = time.GetUtcNow().Add(_options.PresignedUrlLifetime).UtcDateTime,
            ResponseHeaderOverrides = { ContentDisposition = contentDisposition },
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
            // A HEAD answer has no body, hence no error code: its status says it.
            AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden } =>
                "access was denied (HTTP 403): check the credentials and the bucket policy",
            AmazonServiceException service => $"{service.ErrorCode ?? service.StatusCode.ToString()}: {service.Message}",
            _ => $"the storage server could not be reached ({ex.Message})",
        };
        return new StorageException($"Could not {action} in S3: {detail}. Nothing was left in the bucket.", ex);
    }
}
