namespace YtDownloader;

/// <summary>
/// The root of every failure the service reports on purpose. Endpoints turn these, and only these,
/// into ProblemDetails; anything else is a bug and is answered with a generic 500.
/// </summary>
public abstract class YtDownloaderException(string message, Exception? innerException = null)
    : Exception(message, innerException);
