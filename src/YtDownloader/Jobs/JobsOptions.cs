namespace YtDownloader.Jobs;

/// <summary>How uploads run as jobs (section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Jobs running at once; the rest wait in order.</summary>
    public int MaxConcurrent { get; set; } = 3;

    /// <summary>Jobs allowed to wait; one more is refused with 429.</summary>
    public int MaxQueued { get; set; } = 20;

    /// <summary>Answer a request whose object already exists with that object instead of downloading again.</summary>
    public bool ReuseExisting { get; set; } = true;

    /// <summary>
    /// The SQLite database holding every job and its result, relative to the content root, when
    /// <c>ConnectionStrings:Jobs</c> is not set.
    /// </summary>
    public string DatabasePath { get; set; } = "data/jobs.db";

    /// <summary>A job running longer than this fails.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromHours(2);

    /// <summary>Runs a job gets when the server dies under it; after that it is marked failed.</summary>
    public int MaxAttempts { get; set; } = 2;

    /// <summary>This node's name in the job rows; by default the machine's name and the process ID.</summary>
    public string? NodeId { get; set; }

    /// <summary>
    /// How long a node holds a running job without renewing it (it renews a few times a second): a node that dies
    /// loses its jobs to the others this long after its last renewal.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);
}
