namespace YtDownloader.Jobs;

/// <summary>Too many jobs are waiting; the client should come back later.</summary>
public sealed class QueueFullException(int waiting, TimeSpan retryAfter)
    : YtDownloaderException(ErrorCategory.Busy, $"{waiting} uploads are already waiting, the most this server queues. Try again in a little while.")
{
    public override string Title => "Too many uploads waiting";
    public override TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>No job has this ID.</summary>
public sealed class JobNotFoundException(string id) : YtDownloaderException(ErrorCategory.NotFound, $"There is no job {id}.")
{
    public override string Title => "No such job";
}

/// <summary>The job has already ended, so it cannot be cancelled.</summary>
public sealed class JobAlreadyEndedException(JobSnapshot job)
    : YtDownloaderException(ErrorCategory.Conflict, $"Job {job.Id} has already ended ({job.Phase.ToString().ToLowerInvariant()}).")
{
    public override string Title => "Job ended";
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

/// <summary>No batch has this ID.</summary>
public sealed class BatchNotFoundException(string id) : YtDownloaderException(ErrorCategory.NotFound, $"There is no batch {id}.")
{
    public override string Title => "No such batch";
}
