namespace YtDownloader.Sources.YtDlp;

/// <summary>
/// yt-dlp could not give the video: it exited with an error, ran past its timeout, or printed something that is
/// not an info dict. <see cref="YtDlpError"/> keeps yt-dlp's own words (its <c>ERROR:</c> line) when it had any.
/// </summary>
public sealed class YtDlpFailedException(string message, string? ytDlpError = null, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.UpstreamFailed, message, innerException)
{
    public override string Title => "yt-dlp could not get the video";

    public string? YtDlpError { get; } = ytDlpError;
}
