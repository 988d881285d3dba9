namespace YtDownloader.Pipeline;

/// <summary>A stream could not be downloaded, even after retries.</summary>
public sealed class DownloadException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
{
    public override string Title => "Download failed";
}

/// <summary>
/// The media server refused a stream's URL (403, 401, 410): its link expired, or, part-way, the way YouTube cuts off a
/// client whose streams it will not serve. A download that can ask another client goes on with it from this byte.
/// </summary>
public sealed class StreamRefusedException(int status, long atByte)
    : YtDownloaderException(
        ErrorCategory.UpstreamFailed,
        $"The media server refused the stream with HTTP {status} at byte {atByte}; its link may have expired: ask for the video again.")
{
    public override string Title => "Download failed";
    public int Status { get; } = status;
    public long AtByte { get; } = atByte;
}

/// <summary>
/// A stream was refused or cut off part-way and no other provider could go on with it: the message names each
/// provider tried and what it answered.
/// </summary>
public sealed class StreamRefusedEverywhereException(IReadOnlyList<string> answers, YtDownloaderException? lastFailure)
    : YtDownloaderException(
        ErrorCategory.UpstreamFailed,
        "The media server refused or cut off this video's streams part-way, and no other client could go on with them. "
            + $"Answers: {string.Join("; ", answers)}."
            + (lastFailure is null ? "" : $" Asked for the video again: {lastFailure.Message}")
            + " Try again later, or configure cookies or a PO token provider (see the README).",
        lastFailure)
{
    public override string Title => "Download failed";
}

/// <summary>ffmpeg could not merge the streams; the message carries ffmpeg's own words.</summary>
public sealed class MuxException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
{
    public override string Title => "Download failed";
}

/// <summary>The quality a user asked for is not among those the video has.</summary>
public sealed class UnknownQualityException(string quality, IReadOnlyList<string> available)
    : YtDownloaderException(
        ErrorCategory.InvalidInput,
        available.Count == 0
            ? $"Quality \u201c{quality}\u201d is not available: this video has no downloadable video stream."
            : $"Quality \u201c{quality}\u201d is not available. Choose one of: {string.Join(", ", available)}.")
{
    public IReadOnlyList<string> Available { get; } = available;

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["available"] = Available.ToArray() };
}

/// <summary>The download at the chosen quality is larger than this service accepts.</summary>
public sealed class VideoTooLargeException(string message) : YtDownloaderException(ErrorCategory.NotPlayable, message)
{
    public override string Title => "Video too large";
}

/// <summary>The video is longer than this service accepts, at any quality.</summary>
public sealed class VideoTooLongException(string message) : YtDownloaderException(ErrorCategory.NotPlayable, message)
{
    public override string Title => "Video too long";
}

/// <summary>A subtitle language the user asked for is not among the video's caption tracks.</summary>
public sealed class UnknownSubtitleLanguageException(string language, IReadOnlyList<string> available)
    : YtDownloaderException(
        ErrorCategory.InvalidInput,
        available.Count == 0
            ? $"This video has no subtitles in \u201c{language}\u201d: it has no caption tracks at all."
            : $"This video has no subtitles in \u201c{language}\u201d. Its caption tracks are in: {string.Join(", ", available)}.")
{
    public IReadOnlyList<string> Available { get; } = available;

    public override string Title => "Subtitles not available";

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["available"] = Available.ToArray() };
}
