namespace YtDownloader.Jobs;

/// <summary>Too many jobs are waiting; the client should come back later.</summary>
public sealed class QueueFullException(int waiting, TimeSpan retryAfter)
    : YtDownloaderException(ErrorCategory.Busy,
        $"{waiting} uploads are already waiting, the most this server queues: try again in {Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))} s.")
{
    public override string Title => "Too many uploads waiting";
    public override TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>No job has this ID.</summary>
public sealed class JobNotFoundException(string id) : YtDownloaderException(ErrorCategory.NotFound, $"There is no job {id}.")
{
    public override string Title => "No such job";
}

/// <summary>The job was cancelled before it finished.</summary>
public sealed class JobCancelledException(string id)
    : YtDownloaderException(ErrorCategory.Conflict, $"Job {id} was cancelled before it finished.")
{
    public override string Title => "Job ended";
}

/// <summary>The job ran longer than the configured limit and was stopped.</summary>
public sealed class JobTimedOutException(TimeSpan limit)
    : YtDownloaderException(ErrorCategory.TimedOut, $"The job took longer than {limit} (Jobs:Timeout) and was stopped; nothing was stored.");

/// <summary>The jobs database was upgraded by a newer version of the service; this one does not know its schema.</summary>
public sealed class JobStoreTooNewException(string location, int version, int known)
    : YtDownloaderException(ErrorCategory.NeedsConfiguration,
        $"The jobs database ({location}) has schema version {version}, but this YtDownloader knows versions up to {known}: " +
        "a newer version upgraded it. Run that version (or newer), or point ConnectionStrings:Jobs at another database.");

/// <summary>The jobs database cannot be reached at start.</summary>
public sealed class JobStoreUnavailableException(string location, Exception inner)
    : YtDownloaderException(ErrorCategory.StorageFailed,
        $"Could not open the jobs {location}: {inner.Message}. Check ConnectionStrings:Jobs and that the database server is running.", inner);

/// <summary>A job that failed, as another node recorded it: the same category and message, without the original exception.</summary>
public sealed class JobFailedException(ErrorCategory category, string message) : YtDownloaderException(category, message);

/// <summary>No batch has this ID.</summary>
public sealed class BatchNotFoundException(string id) : YtDownloaderException(ErrorCategory.NotFound, $"There is no batch {id}.")
{
    public override string Title => "No such batch";
}
