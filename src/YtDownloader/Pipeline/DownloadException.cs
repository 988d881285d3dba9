namespace YtDownloader.Pipeline;

/// <summary>A stream could not be downloaded, even after retries.</summary>
public sealed class DownloadException(string message, Exception? innerException = null)
    : YtDownloaderException(message, innerException);

/// <summary>ffmpeg could not merge the streams; the message carries ffmpeg's own words.</summary>
public sealed class MuxException(string message, Exception? innerException = null)
    : YtDownloaderException(message, innerException);
