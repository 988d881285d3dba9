namespace YtDownloader.Storage;

/// <summary>How a stored object presents itself to whoever downloads it.</summary>
public sealed record ObjectDescription(string ContentType, string FileName, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// An object written completely. <see cref="Url"/> and <see cref="DownloadUrl"/> may be relative to the
/// service (the local store serves its own files); the API makes them absolute.
/// </summary>
public sealed record StoredObject(string Key, string Bucket, long Size, string ContentType, Uri Url, Uri DownloadUrl);

/// <summary>Where finished videos go. A save either completes or leaves nothing behind.</summary>
public interface IVideoStore
{
    Task<StoredObject> SaveAsync(
        string key, Stream content, ObjectDescription description, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>The complete object under this key, if there is one.</summary>
    Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// A link to download the object under this key, made now: a presigned link for S3, valid for its lifetime
    /// from this moment, so that an old job's link works whenever it is read.
    /// </summary>
    Task<Uri> DownloadUrlAsync(string key, CancellationToken cancellationToken);

    /// <summary>Throws a <see cref="StorageException"/> when the store cannot take objects now (a bucket that is gone, a folder not writable).</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>Removes what a save of this key left unfinished when its process died (open multipart uploads, temporary files).</summary>
    Task AbortUnfinishedAsync(string key, CancellationToken cancellationToken);
}
