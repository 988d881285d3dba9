using YtDownloader.Pipeline;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Jobs;

public enum JobPhase { Queued, Resolving, Waiting, Downloading, Muxing, Uploading, Done, Failed, Cancelled }

/// <summary>
/// What a finished job stored. URLs may be relative to the service (the local store); the API makes them absolute.
/// <see cref="OpenUrl"/> is null in jobs kept before it existed until their links are made anew, as they are when read.
/// </summary>
public sealed record JobResult(
    string Key, string Bucket, long Size, string ContentType, Uri Url, Uri DownloadUrl, string VideoId, string Quality, bool Merged, string? Note,
    Uri? OpenUrl = null,
    IReadOnlyList<SubtitleResult>? Subtitles = null)
{
    public static JobResult From(UploadResult result) => new(
        result.Object.Key, result.Object.Bucket, result.Object.Size, result.Object.ContentType, result.Object.Url, result.Object.Links.Download,
        result.Video.Id.Value, result.Plan.Quality, result.Plan.NeedsMerge, result.Plan.Note, result.Object.Links.Open,
        [.. result.Subtitles.Select(s => new SubtitleResult(s.Language, s.Object.Key, s.Object.Links.Download))]);
}

/// <summary>A stored WebVTT object of a job: its language, key and download link.</summary>
public sealed record SubtitleResult(string Language, string Key, Uri Url);

/// <summary>A job as it is at one moment: what the API answers and the database keeps.</summary>
public sealed record JobSnapshot(
    string Id,
    string Url,
    string VideoId,
    string Quality,
    string? Title,
    string Key,
    JobPhase Phase,
    long DownloadedBytes,
    long UploadedBytes,
    long? TotalBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    JobResult? Result = null,
    string? Error = null,
    bool Reused = false,
    int Attempts = 0,
    double? BytesPerSecond = null,
    double? EtaSeconds = null,
    long FetchedBytes = 0,
    double? WaitingSeconds = null,
    string? Provider = null,
    IReadOnlyList<ProviderHandover>? Handovers = null,
    ErrorCategory? FailureCategory = null,
    string? Batch = null,
    OutputFormat Format = OutputFormat.Mp4,
    IReadOnlyList<string>? Subtitles = null)
{
    /// <summary>The phases after which a job never changes again.</summary>
    public static readonly IReadOnlySet<JobPhase> EndedPhases = new HashSet<JobPhase> { JobPhase.Done, JobPhase.Failed, JobPhase.Cancelled };

    public bool HasEnded => EndedPhases.Contains(Phase);

    /// <summary>Back in the queue, to run again from the start: nothing of the last run counts.</summary>
    public JobSnapshot Restarted() => this with
    {
        Phase = JobPhase.Queued, DownloadedBytes = 0, UploadedBytes = 0, FetchedBytes = 0, WaitingSeconds = null, Provider = null, Handovers = null,
    };

    /// <summary>
    /// Whether the video and its streams were looked up: a single job is resolved before it is queued, a batch's
    /// jobs only when their turn comes (a playlist of hundreds is not looked up video by video in one request).
    /// </summary>
    public bool IsResolved => Key.Length > 0;

    /// <summary>How an ended job that did not finish is reported to a caller waiting for its result.</summary>
    public Exception Failure() => Phase == JobPhase.Cancelled
        ? new JobCancelledException(Id)
        : FailureCategory is { } category
            ? new JobFailedException(category, Error ?? "The job failed.")
            : new InvalidOperationException(Error);
}

/// <summary>
/// A job the runner holds in memory while it waits or runs: its state, its progress, a signal for each change
/// (the event stream waits on it) and, for a caller that waits for the result, the original exception on failure.
/// </summary>
public sealed class Job : IProgress<PipelineProgress>
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly TransferRate _rate;
    private readonly TransferRate _uploadRate;
    private readonly CancellationTokenSource _cancel = new();
    private readonly TaskCompletionSource<JobResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JobSnapshot _state;

    public Job(JobSnapshot state, TimeProvider time)
    {
        _state = state;
        _time = time;
        _rate = new TransferRate(time, TimeSpan.FromSeconds(5));
        _uploadRate = new TransferRate(time, TimeSpan.FromSeconds(5));
        VideoId = VideoId.Parse(state.VideoId);
    }

    public string Id => _state.Id;
    public string Key => _state.Key;
    public VideoId VideoId { get; }

    /// <summary>Completes with the result, faults with the exception that failed the job, or is cancelled.</summary>
    public Task<JobResult> Completion => _completion.Task;

    /// <summary>Completes at the next change; take it before <see cref="Snapshot"/> so that no change is missed.</summary>
    public Task NextChange
    {
        get { lock (_gate) return _changed.Task; }
    }

    public CancellationToken CancellationToken => _cancel.Token;
    public bool CancelRequested => _cancel.IsCancellationRequested;

    /// <summary>
    /// The job now, with the speed and time left of the stage holding it up: the download's, or once everything is
    /// downloaded (phase uploading) the upload's, since then only the last parts going up are left.
    /// </summary>
    public JobSnapshot Snapshot()
    {
        lock (_gate)
        {
            if (_state.HasEnded || _state.Phase == JobPhase.Queued)
                return _state;
            var (rate, done) = _state.Phase == JobPhase.Uploading ? (_uploadRate, _state.UploadedBytes) : (_rate, _state.DownloadedBytes);
            return _state with { BytesPerSecond = rate.BytesPerSecond, EtaSeconds = rate.SecondsLeft(done, _state.TotalBytes) };
        }
    }

    public void RequestCancel() => _cancel.Cancel();

    public JobSnapshot Start() =>
        Update(s => s with { Phase = JobPhase.Resolving, StartedAt = _time.GetUtcNow(), Attempts = s.Attempts + 1, Error = null });

    /// <summary>Back to the queue because the server is stopping: the run does not count against the job.</summary>
    public JobSnapshot Requeue() =>
        Update(s => s.Restarted() with { Attempts = Math.Max(0, s.Attempts - 1) });

    /// <summary>A batch job whose turn came: its video, quality, title and key are now known.</summary>
    public JobSnapshot Resolve(PreparedUpload prepared) =>
        Update(s => s with { Key = prepared.Key, Quality = prepared.Plan.Quality, Title = prepared.Title, TotalBytes = prepared.Plan.SourceBytes });

    public JobSnapshot Complete(JobResult result, bool reused = false)
    {
        var snapshot = Update(s => s with
        {
            Phase = JobPhase.Done, FinishedAt = _time.GetUtcNow(), Result = result, Reused = s.Reused || reused,
            DownloadedBytes = s.TotalBytes ?? s.DownloadedBytes, UploadedBytes = Math.Min(result.Size, s.TotalBytes ?? result.Size),
        });
        _completion.TrySetResult(result);
        return snapshot;
    }

    public JobSnapshot Fail(Exception exception, string message)
    {
        var snapshot = Update(s => s with
        {
            Phase = JobPhase.Failed, FinishedAt = _time.GetUtcNow(), Error = message, FailureCategory = (exception as YtDownloaderException)?.Category,
        });
        _completion.TrySetException(exception);
        return snapshot;
    }

    public JobSnapshot MarkCancelled()
    {
        var snapshot = Update(s => s with { Phase = JobPhase.Cancelled, FinishedAt = _time.GetUtcNow() });
        _completion.TrySetException(new JobCancelledException(Id));
        return snapshot;
    }

    public void Report(PipelineProgress value)
    {
        Update(s =>
        {
            var total = value.BytesExpected ?? s.TotalBytes;
            // ffmpeg may read a range twice when it seeks: what it was fed never counts past the stream's size.
            var downloaded = Math.Max(s.DownloadedBytes, Math.Min(value.BytesDownloaded, total ?? long.MaxValue));
            // The stored file is not the source byte for byte (a merge adds its boxes): the share uploaded never shows past all of it.
            var uploaded = Math.Min(Math.Max(s.UploadedBytes, value.BytesStored), total ?? long.MaxValue);
            return s with
            {
                Phase = PhaseOf(value.Phase, downloaded, total), TotalBytes = total, DownloadedBytes = downloaded, UploadedBytes = uploaded,
                FetchedBytes = Math.Max(s.FetchedBytes, value.BytesFetched), WaitingSeconds = value.SecondsUntilPlayable,
                Provider = value.Provider ?? s.Provider, Handovers = value.Handovers.Count > 0 ? value.Handovers : s.Handovers,
            };
        });
    }

    /// <summary>Download, mux and upload overlap; the phase names the stage still holding the job up.</summary>
    private static JobPhase PhaseOf(PipelinePhase phase, long downloaded, long? total) => phase switch
    {
        PipelinePhase.Resolving => JobPhase.Resolving,
        PipelinePhase.Waiting => JobPhase.Waiting,
        _ when total is { } t && downloaded >= t => JobPhase.Uploading,
        PipelinePhase.Muxing => JobPhase.Muxing,
        PipelinePhase.Done => JobPhase.Uploading,
        _ => JobPhase.Downloading,
    };

    private JobSnapshot Update(Func<JobSnapshot, JobSnapshot> change)
    {
        TaskCompletionSource changed;
        JobSnapshot state;
        lock (_gate)
        {
            // An ended job stays as it ended: a late progress report must not revive it.
            if (_state.HasEnded)
                return _state;
            state = _state = change(_state);
            if (!state.HasEnded && state.Phase != JobPhase.Queued)
            {
                _rate.Add(state.DownloadedBytes);
                _uploadRate.Add(state.UploadedBytes);
            }
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return state;
    }
}
