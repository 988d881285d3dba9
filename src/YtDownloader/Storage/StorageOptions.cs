namespace YtDownloader.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    public const string DefaultPrefix = "youtube/";

    /// <summary>Prepended to every object key, in a bucket or in the local folder alike.</summary>
    public string? Prefix { get; set; }

    public S3StorageOptions S3 { get; set; } = new();
    public LocalStorageOptions Local { get; set; } = new();

    /// <summary>The key prefix in use: <see cref="Prefix"/>, else its old name <c>Storage:S3:Prefix</c>, else the default.</summary>
    public string KeyPrefix => Prefix ?? S3.Prefix ?? DefaultPrefix;

    /// <summary>S3 when a bucket is configured; otherwise the embedded local folder.</summary>
    public bool UsesS3 => !string.IsNullOrWhiteSpace(S3.Bucket);
}

public sealed class S3StorageOptions
{
    public string? Bucket { get; set; }
    public string Region { get; set; } = "us-east-1";

    /// <summary>The old name of <see cref="StorageOptions.Prefix"/>, still read so that existing configurations keep their keys.</summary>
    public string? Prefix { get; set; }

    /// <summary>The endpoint of an S3-compatible store (Ceph, MinIO, R2); empty for AWS itself.</summary>
    public string? ServiceUrl { get; set; }

    public bool ForcePathStyle { get; set; }

    /// <summary>
    /// Bytes per multipart part; memory in use is about this times <see cref="ParallelParts"/>. S3's smallest, 5 MiB,
    /// by default: S3 takes at most 10,000 parts, so an object is then at most 50 GB.
    /// </summary>
    public int PartSize { get; set; } = 5 * 1024 * 1024;

    /// <summary>Parts held at once, the one being filled included: up to this many are uploaded side by side.</summary>
    public int ParallelParts { get; set; } = 3;

    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Keys for the bucket; when the secret is empty the standard AWS credential chain is used.</summary>
    public string? AccessKeyId { get; set; }

    public string? SecretAccessKey { get; set; }

    /// <summary>How often an upload whose abort failed (the server was down) is aborted again, until it works.</summary>
    public TimeSpan AbortRetryInterval { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class LocalStorageOptions
{
    public string Path { get; set; } = "./data/videos";

    /// <summary>How long a <c>/files/</c> link the service hands out stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// The secret <c>/files/</c> links are signed with. When empty, one is generated at first use and kept in
    /// <c>.link-secret</c> inside <see cref="Path"/>, so that links survive a restart.
    /// </summary>
    public string? LinkSecret { get; set; }
}
