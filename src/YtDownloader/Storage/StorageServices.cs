using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;

namespace YtDownloader.Storage;

/// <summary>Where finished videos go: an S3 bucket when one is configured, else a local folder.</summary>
public static class StorageServices
{
    private const int SendBufferSize = 256 * 1024;

    public static void AddStorage(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>().BindConfiguration(StorageOptions.Section)
            .Validate(o => o.S3.PartSize >= 5 * 1024 * 1024, "Storage:S3:PartSize must be at least 5 MiB (S3's minimum part size).")
            .Validate(o => o.S3.ParallelParts is >= 1 and <= 64, "Storage:S3:ParallelParts must be between 1 and 64.")
            .Validate(o => o.Local.LinkLifetime > TimeSpan.Zero, "Storage:Local:LinkLifetime must be positive.")
            .Validate(o => string.IsNullOrWhiteSpace(o.Local.LinkSecret) || o.Local.LinkSecret.Trim().Length >= 32,
                "Storage:Local:LinkSecret must be at least 32 characters (e.g. openssl rand -hex 32), or empty to have one generated.")
            .ValidateOnStart();

        services.AddSingleton<IAmazonS3>(sp =>
        {
            var s3 = sp.GetRequiredService<IOptions<StorageOptions>>().Value.S3;
            var config = new AmazonS3Config
            {
                ForcePathStyle = s3.ForcePathStyle,
                AuthenticationRegion = s3.Region,
                // S3-compatible stores (Ceph, MinIO, R2) reject the SDK's default flexible checksums on UploadPart.
                RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
                ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
                HttpClientFactory = new CountingHttpClientFactory(),
                // The SDK sends a part through a buffer of this size (its default, 8 KiB, is a memmove and a send
                // call per 8 KiB: a thousand per 8 MiB part); a few hundred kilobytes make that a few dozen.
                BufferSize = SendBufferSize,
            };
            if (string.IsNullOrWhiteSpace(s3.ServiceUrl))
                config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(s3.Region);
            else
                config.ServiceURL = s3.ServiceUrl;
            // Explicit keys when configured, else the standard chain: environment, ~/.aws/credentials, instance roles.
            return string.IsNullOrEmpty(s3.SecretAccessKey)
                ? new AmazonS3Client(config)
                : new AmazonS3Client(new BasicAWSCredentials(s3.AccessKeyId, s3.SecretAccessKey), config);
        });
        services.AddSingleton<AbandonedUploads>();
        services.AddHostedService(sp => sp.GetRequiredService<AbandonedUploads>());
        services.AddSingleton<SignedLinks>();
        services.AddSingleton<LocalVideoStore>();
        services.AddSingleton<IVideoStore>(sp => sp.GetRequiredService<IOptions<StorageOptions>>().Value.UsesS3
            ? ActivatorUtilities.CreateInstance<S3VideoStore>(sp)
            : sp.GetRequiredService<LocalVideoStore>());
        services.AddSingleton<IServedFiles>(sp => sp.GetRequiredService<LocalVideoStore>());
    }
}
