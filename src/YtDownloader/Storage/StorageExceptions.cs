namespace YtDownloader.Storage;

/// <summary>The store could not take the object; nothing was left half-written.</summary>
public sealed class StorageException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.StorageFailed, message, innerException);

/// <summary>The store has no room left for the object; nothing was left half-written.</summary>
public sealed class StorageFullException(string message, Exception? innerException = null)
    : YtDownloaderException(ErrorCategory.StorageFull, message, innerException);
