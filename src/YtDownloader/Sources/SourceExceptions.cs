namespace YtDownloader.Sources;

/// <summary>Why YouTube will not play a video; each maps to what the user can do about it.</summary>
public enum UnavailableReason
{
    AgeRestricted,
    BotCheck,
    Private,
    Unavailable,
    MembersOnly,
    Live,
    Upcoming,
}

/// <summary>The video exists as a request but cannot be downloaded: private, removed, age-restricted, live…</summary>
public sealed class VideoUnavailableException(UnavailableReason reason, string message)
    : YtDownloaderException(reason is UnavailableReason.BotCheck ? ErrorCategory.NeedsConfiguration : ErrorCategory.NotPlayable, message)
{
    public override string Title => "Video cannot be downloaded";

    public UnavailableReason Reason { get; } = reason;

    /// <summary>
    /// The most telling verdict among failures, if any says the video cannot be played: "private" or "live"
    /// says more than a generic "unavailable", which some clients answer for any video.
    /// </summary>
    public static VideoUnavailableException? MostTelling(IEnumerable<Exception> failures) =>
        failures.OfType<VideoUnavailableException>().OrderBy(e => e.Reason == UnavailableReason.Unavailable ? 1 : 0).FirstOrDefault();
}

/// <summary>A source could not be reached or answered something that is not a usable response.</summary>
public sealed class SourceFailedException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
{
    public override string Title => "YouTube could not be reached";
}

/// <summary>
/// Every source in the chain failed. When one said why the video cannot be played, that verdict leads and sets
/// the category; the message then says what each source answered.
/// </summary>
public sealed class AllSourcesFailedException(IReadOnlyList<(string Source, YtDownloaderException Error)> failures)
    : YtDownloaderException(
        VerdictOf(failures)?.Category ?? ErrorCategory.UpstreamFailed,
        (VerdictOf(failures) is { } verdict ? verdict.Message + " " : "No source could provide this video. ")
            + "Tried: " + string.Join(" ", failures.Select(f => $"{f.Source}: {f.Error.Message}")))
{
    public IReadOnlyList<(string Source, YtDownloaderException Error)> Failures { get; } = failures;

    /// <summary>The most telling verdict of a source that says the video itself cannot be played, if any did.</summary>
    public VideoUnavailableException? Unavailable => VerdictOf(Failures);

    public override string Title => Unavailable is null ? "YouTube could not be reached" : "Video cannot be downloaded";

    private static VideoUnavailableException? VerdictOf(IReadOnlyList<(string Source, YtDownloaderException Error)> failures) =>
        VideoUnavailableException.MostTelling(failures.Select(f => f.Error));
}

/// <summary>A playlist or channel cannot be listed: it does not exist (404), or is private or of a kind YouTube will not show (422).</summary>
public sealed class PlaylistUnavailableException(ErrorCategory category, string message)
    : YtDownloaderException(category, message)
{
    public override string Title => "Playlist cannot be listed";
}
