namespace YtDownloader.Storage;

/// <summary>What a link to a served file comes to: a genuine, unexpired link, or why not.</summary>
public enum LinkCheck { Valid, Invalid, Expired }

/// <summary>A complete file this service serves itself, and how it presents itself.</summary>
public sealed record ServedFile(string PhysicalPath, ObjectDescription Description);

/// <summary>
/// A store whose objects the service serves itself (the local folder, which has no other server). It hands out
/// signed, expiring links, as S3 hands out presigned ones, so that serving a file needs no API key and yet
/// neither gives a video to whoever guesses its name nor tells which videos exist.
/// </summary>
public interface IServedFiles
{
    /// <summary>
    /// Whether this link, the key with its expiry, signature and disposition (<paramref name="inline"/>: shown in the
    /// browser, not saved) as the store handed them out, is genuine and in time.
    /// </summary>
    LinkCheck Check(string key, string? expires, string? signature, bool inline);

    /// <summary>The complete file under this key, if there is one inside the store.</summary>
    Task<ServedFile?> FindFileAsync(string key, CancellationToken cancellationToken);
}
