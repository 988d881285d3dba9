using System.Collections.Concurrent;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace YtDownloader.Storage;

/// <summary>
/// Multipart uploads whose abort failed, typically because the S3 server was down when the save failed.
/// Their parts would sit in the bucket, invisible and billed, so the abort is tried again until the server takes it.
/// </summary>
internal sealed class AbandonedUploads(IServiceProvider services, IOptions<StorageOptions> options, ILogger<AbandonedUploads> logger)
    : BackgroundService
{
    private readonly ConcurrentDictionary<(string Bucket, string Key, string UploadId), int> _pending = new();

    public int Count => _pending.Count;

    public void Add(string bucket, string key, string uploadId) => _pending.TryAdd((bucket, key, uploadId), 0);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.S3.AbortRetryInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                foreach (var upload in _pending.Keys)
                    await TryAbortAsync(upload, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping. Also when the start failed (e.g. the jobs database is unreachable): the host is then torn
            // down without a stop, and would report this cancellation as a crash with its trace.
        }
    }

    private async Task TryAbortAsync((string Bucket, string Key, string UploadId) upload, CancellationToken stoppingToken)
    {
        try
        {
            // Resolved late: with the local store there is no S3 client, and nothing is ever added here.
            var s3 = services.GetRequiredService<IAmazonS3>();
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest
            {
                BucketName = upload.Bucket, Key = upload.Key, UploadId = upload.UploadId,
            }, stoppingToken);
            _pending.TryRemove(upload, out _);
            logger.LogInformation("Aborted multipart upload {UploadId} of {Key} now that the S3 server answers again", upload.UploadId, upload.Key);
        }
        catch (AmazonS3Exception ex) when (ex.ErrorCode == "NoSuchUpload")
        {
            _pending.TryRemove(upload, out _);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            var attempts = _pending.AddOrUpdate(upload, 1, (_, n) => n + 1);
            logger.LogWarning("Multipart upload {UploadId} of {Key} still could not be aborted (attempt {Attempt}): {Error}",
                upload.UploadId, upload.Key, attempts, ex.Message);
        }
    }
}
