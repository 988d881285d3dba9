namespace YtDownloader.Api;

/// <summary>A request that cannot be served as asked: a missing field, a link that is not a YouTube video.</summary>
public sealed class InvalidRequestException(string message) : YtDownloaderException(ErrorCategory.InvalidInput, message);
