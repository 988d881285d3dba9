namespace YtDownloader.Jobs;

/// <summary>One page of the job history, newest first; <see cref="Next"/> continues it.</summary>
public sealed record JobPage(IReadOnlyList<JobSnapshot> Jobs, string? Next);

/// <summary>What the node running a job learns when it writes the job's progress.</summary>
public enum JobLease
{
    /// <summary>The job is still this node's to run.</summary>
    Held,

    /// <summary>Still this node's, and someone asked to cancel it (perhaps through another node).</summary>
    CancelRequested,

    /// <summary>No longer this node's: its lease expired and another node took the job over.</summary>
    Lost,
}

/// <summary>
/// Every job and its result, and the queue itself: a job waits as a row until a node claims it, and the node that
/// claimed it holds a lease it renews while the job runs. An embedded SQLite file serves one node; PostgreSQL lets
/// several nodes share the queue. Equal jobs are one job through a unique key among the active ones, not a lock in
/// one process. Every change is announced through <see cref="JobSignals"/> on every node that uses the store.
/// </summary>
public interface IJobStore
{
    /// <summary>Whether several nodes may use this store at once (and so every node needs shared object storage).</summary>
    bool IsShared { get; }

    /// <summary>Where the jobs are, in words, for messages and the start summary (never a password).</summary>
    string Location { get; }

    /// <summary>Opens the database and brings its schema up to date; refuses a schema newer than this code.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>Adds a new job; <see langword="false"/> when an equal job (same object key) is already waiting or running.</summary>
    Task<bool> AddAsync(JobSnapshot job, CancellationToken cancellationToken);

    /// <summary>Adds a batch's jobs, in the batch's order (their keys are not known yet, so none joins another).</summary>
    Task AddBatchAsync(IReadOnlyList<JobSnapshot> jobs, CancellationToken cancellationToken);

    /// <summary>A batch's jobs in the batch's order.</summary>
    Task<IReadOnlyList<JobSnapshot>> ListBatchAsync(string batch, CancellationToken cancellationToken);

    Task<JobSnapshot?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>The job waiting for or making this object, if any.</summary>
    Task<JobSnapshot?> FindActiveAsync(string key, CancellationToken cancellationToken);

    /// <summary>Single jobs waiting to be claimed (a batch's jobs wait beside them and are not counted).</summary>
    Task<int> CountQueuedAsync(CancellationToken cancellationToken);

    Task<JobPage> ListAsync(int limit, string? before, CancellationToken cancellationToken);

    /// <summary>
    /// The oldest job no node holds (waiting, handed back, or whose node's lease expired), now held by
    /// <paramref name="node"/> for <paramref name="lease"/>; <see langword="null"/> when there is none.
    /// </summary>
    Task<JobSnapshot?> ClaimAsync(string node, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the state of a job <paramref name="node"/> holds and renews its lease; a job written back as queued is
    /// released for any node to claim.
    /// </summary>
    Task<JobLease> UpdateAsync(JobSnapshot job, string node, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Ends a job that no node has claimed yet; <see langword="false"/> when one has.</summary>
    Task<bool> CancelQueuedAsync(JobSnapshot cancelled, CancellationToken cancellationToken);

    /// <summary>Removes an ended job from the history (its object stays); <see langword="false"/> when it has not ended or is gone.</summary>
    Task<bool> RemoveEndedAsync(string id, CancellationToken cancellationToken);

    /// <summary>Asks whichever node runs the job to cancel it.</summary>
    Task RequestCancelAsync(string id, CancellationToken cancellationToken);
}
