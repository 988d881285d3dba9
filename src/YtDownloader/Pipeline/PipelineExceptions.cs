namespace YtDownloader.Pipeline;

/// <summary>A stream could not be downloaded, even after retries.</summary>
public sealed class DownloadException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
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

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?> { ["available"] = Available };
}

/// <summary>The video is longer or larger than this service accepts.</summary>
public sealed class VideoTooLargeException(string message) : YtDownloaderException(ErrorCategory.NotPlayable, message)
{
    public override string Title => "Video too large";
}
