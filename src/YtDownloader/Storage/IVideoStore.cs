using YtDownloader.Urls;

namespace YtDownloader.Storage;

/// <summary>How a stored object presents itself to whoever downloads it.</summary>
public sealed record ObjectDescription(string ContentType, string FileName, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// The two links to an object a person is given: <see cref="Open"/> plays it in the browser (Content-Disposition:
/// inline), <see cref="Download"/> saves it (attachment). Both work without credentials, for their lifetime.
/// </summary>
public sealed record ObjectLinks(Uri Open, Uri Download);

/// <summary>
/// An object written completely. <see cref="Url"/> and the <see cref="Links"/> may be relative to the
/// service (the local store serves its own files); the API makes them absolute.
/// </summary>
public sealed record StoredObject(string Key, string Bucket, long Size, string ContentType, Uri Url, ObjectLinks Links);

/// <summary>Where finished videos go. A save either completes or leaves nothing behind.</summary>
public interface IVideoStore
{
    /// <summary>
    /// The key this store keeps a video's file under: its prefix, the video, a safe title, the quality and the subtitle
    /// languages embedded in it (a file with subtitle tracks is another file than one without).
    /// </summary>
    string KeyFor(VideoId video, string title, string quality, string extension, IReadOnlyList<string> subtitles);

    /// <summary>The key of a subtitle track stored beside that video's file.</summary>
    string SubtitleKeyFor(VideoId video, string title, string quality, string language);

    Task<StoredObject> SaveAsync(
        string key, Stream content, ObjectDescription description, IProgress<long>? progress, CancellationToken cancellationToken);

    /// <summary>The complete object under this key, if there is one.</summary>
    Task<StoredObject?> FindAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Links to open and to download the object under this key, made now: presigned links for S3, valid for their
    /// lifetime from this moment, so that an old job's links work whenever it is read.
    /// </summary>
    Task<ObjectLinks> LinksAsync(string key, CancellationToken cancellationToken);

    /// <summary>Throws a <see cref="StorageException"/> when the store cannot take objects now (a bucket that is gone, a folder not writable).</summary>
    Task CheckAsync(CancellationToken cancellationToken);

    /// <summary>Removes what a save of this key left unfinished when its process died (open multipart uploads, temporary files).</summary>
    Task AbortUnfinishedAsync(string key, CancellationToken cancellationToken);
}
