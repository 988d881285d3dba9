using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The real S3 server (Ceph radosgw) that <c>scripts/test.sh</c> starts; each test class gets its own bucket.
/// There is no fallback: without the server these tests fail and say how to run them.
/// </summary>
public sealed class S3TestServer : IAsyncLifetime
{
    public const string ServiceUrlVariable = "YTD_TEST_S3_SERVICE_URL";

    public string ServiceUrl { get; } = Environment.GetEnvironmentVariable(ServiceUrlVariable)
        ?? throw new InvalidOperationException(
            $"{ServiceUrlVariable} is not set: run the tests with scripts/test.sh, which starts the S3 server (Ceph radosgw).");

    public string Bucket { get; } = $"ytd-test-{Guid.NewGuid():N}"[..30];

    public IAmazonS3 Client { get; }

    public S3TestServer() => Client = CreateClient(ServiceUrl);

    /// <summary>A client for a radosgw, configured as the service configures its own.</summary>
    public static IAmazonS3 CreateClient(string serviceUrl) =>
        new AmazonS3Client(new AmazonS3Config
        {
            ServiceURL = serviceUrl,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    public async ValueTask InitializeAsync() => await Client.PutBucketAsync(Bucket);

    public async Task<List<S3Object>> ListObjectsAsync() =>
        (await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket })).S3Objects ?? [];

    public async Task<List<MultipartUpload>> ListOpenUploadsAsync() =>
        (await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket })).MultipartUploads ?? [];

    public async Task<string> DownloadAsync(string key, string folder)
    {
        var path = Path.Combine(folder, Path.GetFileName(key));
        using var response = await Client.GetObjectAsync(Bucket, key);
        await using var file = File.Create(path);
        await response.ResponseStream.CopyToAsync(file);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var upload in await ListOpenUploadsAsync())
            await Client.AbortMultipartUploadAsync(Bucket, upload.Key, upload.UploadId);
        foreach (var item in await ListObjectsAsync())
            await Client.DeleteObjectAsync(Bucket, item.Key);
        await Client.DeleteBucketAsync(Bucket);
        Client.Dispose();
    }
}
