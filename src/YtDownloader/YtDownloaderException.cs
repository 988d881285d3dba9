namespace YtDownloader;

/// <summary>
/// What kind of failure an exception reports, which is all the API needs to answer it: each category has one
/// HTTP status, so a new exception type picks a category and needs no change in the handler.
/// </summary>
public enum ErrorCategory
{
    /// <summary>The request itself is wrong (400): a missing field, a link that is not YouTube's, an unknown quality.</summary>
    InvalidInput,

    /// <summary>What the request names does not exist (404).</summary>
    NotFound,

    /// <summary>The video exists but cannot be downloaded as asked (422): private, live, too long…</summary>
    NotPlayable,

    /// <summary>It could work, but only once the operator configures something (422): cookies, a PO token provider.</summary>
    NeedsConfiguration,

    /// <summary>The request conflicts with the state of what it names (409): waiting for a job that was cancelled.</summary>
    Conflict,

    /// <summary>The server is full for now (429); the exception says when to come back.</summary>
    Busy,

    /// <summary>
    /// YouTube refuses this server for now (503, with Retry-After): its bot check, which usually passes after a while
    /// and for good with cookies, a PO token provider or another address. Not 422: the video itself can be downloaded.
    /// </summary>
    RefusedForNow,

    /// <summary>Something the service depends on outside failed (502): YouTube, a media server, ffmpeg, a refused host.</summary>
    UpstreamFailed,

    /// <summary>The work ran longer than it is allowed (504).</summary>
    TimedOut,

    /// <summary>The object store failed (503); nothing was left half-written.</summary>
    StorageFailed,

    /// <summary>The object store has no room left (507); nothing was left half-written.</summary>
    StorageFull,
}

/// <summary>
/// The root of every failure the service reports on purpose. The API turns these, and only these,
/// into ProblemDetails by their <see cref="Category"/>; anything else is a bug and is answered with a generic 500.
/// </summary>
public abstract class YtDownloaderException(ErrorCategory category, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    public ErrorCategory Category { get; } = category;

    /// <summary>A short title for the answer; by default the category's.</summary>
    public virtual string? Title => null;

    /// <summary>When a client should try again, for failures that pass (a full queue, YouTube's bot check).</summary>
    public virtual TimeSpan? RetryAfter => Category == ErrorCategory.RefusedForNow ? TimeSpan.FromMinutes(5) : null;

    /// <summary>
    /// Fields beyond the message that help a client act (the qualities that do exist). Each value's own type must be
    /// one the API describes at build time (Api/ApiJson.cs): a string array, not a list.
    /// </summary>
    public virtual IReadOnlyDictionary<string, object?> Details { get; } = new Dictionary<string, object?>();
}
