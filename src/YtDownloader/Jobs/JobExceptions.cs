namespace YtDownloader.Jobs;

/// <summary>Too many jobs are waiting; the client should come back later.</summary>
public sealed class QueueFullException(int waiting, TimeSpan retryAfter)
    : YtDownloaderException($"{waiting} uploads are already waiting, the most this server queues. Try again in a little while.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>No job has this ID.</summary>
public sealed class JobNotFoundException(string id) : YtDownloaderException($"There is no job {id}.");

/// <summary>The job has already ended, so it cannot be cancelled.</summary>
public sealed class JobAlreadyEndedException(JobSnapshot job)
    : YtDownloaderException($"Job {job.Id} has already ended ({job.Phase.ToString().ToLowerInvariant()}).");

/// <summary>The job was cancelled before it finished.</summary>
public sealed class JobCancelledException(string id) : YtDownloaderException($"Job {id} was cancelled before it finished.");

/// <summary>The job ran longer than the configured limit and was stopped.</summary>
public sealed class JobTimedOutException(TimeSpan limit)
    : YtDownloaderException($"The job took longer than {limit} (Jobs:Timeout) and was stopped; nothing was stored.");
