using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using YtDownloader.Pipeline;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Jobs;

/// <summary>A request to store one video at one quality, as a job.</summary>
public sealed record JobRequest(string Url, VideoId VideoId, string Quality, string? Title, OutputFormat Output = OutputFormat.Mp4);

/// <summary>One video of a batch, with the title its listing shows until the job looks the video up.</summary>
public sealed record BatchVideo(VideoId VideoId, string Title);

/// <summary>A request to store many videos (a playlist or channel, or a chosen part of it) at one quality, one job each.</summary>
public sealed record BatchRequest(IReadOnlyList<BatchVideo> Videos, string Quality, OutputFormat Output);

/// <summary>
/// Runs uploads as jobs: at most <see cref="JobsOptions.MaxConcurrent"/> at once, the rest in order; a request
/// equal to a waiting or running job joins it; one whose object exists is answered with it. Every change is
/// written to the <see cref="JobStore"/>, so that after a restart, graceful or not, no job is lost.
/// </summary>
public sealed class JobRunner(
    JobStore store,
    VideoPipeline pipeline,
    IVideoStore videos,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);
    private readonly Channel<Job> _queue = Channel.CreateUnbounded<Job>();
    private readonly ConcurrentDictionary<string, Job> _live = new();
    private readonly SemaphoreSlim _admission = new(1, 1);
    private readonly TaskCompletionSource _recovered = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // Batch jobs beyond the room left in the queue wait here, in order, and move into the queue as room opens.
    private readonly Lock _heldGate = new();
    private readonly Queue<Job> _held = new();
    private readonly ConcurrentDictionary<string, Job> _heldIds = new();

    /// <summary>Creates a job, or joins an equal one, or answers with the existing object.</summary>
    /// <returns>The job, and whether this request created it.</returns>
    public async Task<(Job Job, bool Created)> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        await _recovered.Task.WaitAsync(cancellationToken);

        // Resolved before queuing: a private video or an unknown quality is answered now, and the key is known.
        var (video, plan, title, key) = await pipeline.PrepareAsync(
            new UploadRequest(request.VideoId, request.Quality, request.Title, request.Output), cancellationToken);
        var snapshot = new JobSnapshot(
            Guid.CreateVersion7().ToString("N"), request.Url, video.Id.Value, plan.Quality, title, key, JobPhase.Queued, 0, 0,
            plan.SourceBytes, time.GetUtcNow(), Format: plan.Output);

        await _admission.WaitAsync(cancellationToken);
        try
        {
            if (Running(key) is { } equal)
                return (equal, false);
            if (options.Value.ReuseExisting && await videos.FindAsync(key, cancellationToken) is { } existing)
            {
                var reused = new Job(snapshot with { Reused = true }, time);
                reused.Complete(JobResult.From(video, plan, existing));
                ServiceMetrics.JobEnded("reused", null, 0, 0);
                await store.SaveAsync(reused.Snapshot(), cancellationToken);
                return (reused, true);
            }
            var waiting = QueuedCount();
            if (waiting >= options.Value.MaxQueued)
                throw new QueueFullException(waiting, RetryAfter);

            var job = new Job(snapshot, time);
            await store.SaveAsync(snapshot, cancellationToken);
            Enqueue(job);
            return (job, true);
        }
        finally
        {
            _admission.Release();
        }
    }

    /// <summary>
    /// Creates one job per video, in order, with one batch ID. Nothing is looked up yet: each job finds its video
    /// when its turn comes, and is answered at once with the existing object (reuse) or joins an equal running job
    /// then. Jobs beyond the room left in the queue wait, in order, for room instead of the batch being refused.
    /// </summary>
    public async Task<(string Batch, IReadOnlyList<JobSnapshot> Jobs)> SubmitBatchAsync(BatchRequest request, CancellationToken cancellationToken)
    {
        await _recovered.Task.WaitAsync(cancellationToken);
        var batch = Guid.CreateVersion7().ToString("N");
        var jobs = request.Videos.Select(v => new Job(new JobSnapshot(
            Guid.CreateVersion7().ToString("N"), $"https://www.youtube.com/watch?v={v.VideoId}", v.VideoId.Value, request.Quality, v.Title,
            Key: "", JobPhase.Queued, 0, 0, null, time.GetUtcNow(), Batch: batch, Format: request.Output), time)).ToList();

        await _admission.WaitAsync(cancellationToken);
        try
        {
            await store.SaveBatchAsync(batch, jobs.Select(j => j.Snapshot()).ToList(), cancellationToken);
            foreach (var job in jobs)
                Hold(job);
            AdmitHeld();
        }
        finally
        {
            _admission.Release();
        }
        return (batch, jobs.Select(j => j.Snapshot()).ToList());
    }

    /// <summary>A batch's jobs in order, live where they wait or run.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> ListBatchAsync(string batch, CancellationToken cancellationToken)
    {
        var stored = await store.ListBatchAsync(batch, cancellationToken);
        if (stored.Count == 0)
            throw new BatchNotFoundException(batch);
        return stored.Select(j => _live.TryGetValue(j.Id, out var live) ? live.Snapshot() : j).ToList();
    }

    /// <summary>Cancels every job of the batch that has not ended: waiting ones at once, running ones as <see cref="CancelAsync"/> does.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> CancelBatchAsync(string batch, CancellationToken cancellationToken)
    {
        var jobs = _live.Values.Where(j => j.Snapshot().Batch == batch).ToList();
        foreach (var job in jobs)
            job.RequestCancel();
        foreach (var job in jobs.Where(j => j.Snapshot().Phase == JobPhase.Queued))
        {
            await store.SaveAsync(job.MarkCancelled(), cancellationToken);
            _live.TryRemove(job.Id, out _);
            _heldIds.TryRemove(job.Id, out _);
        }
        // Running jobs notice within moments; answer with their ends when they come quickly.
        await Task.WhenAny(
            Task.WhenAll(jobs.Select(j => j.Completion.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))),
            Task.Delay(TimeSpan.FromSeconds(15), cancellationToken));
        return await ListBatchAsync(batch, cancellationToken);
    }

    /// <summary>The job as it is now: live if it waits or runs, else as the database has it.</summary>
    public async Task<JobSnapshot> GetAsync(string id, CancellationToken cancellationToken) =>
        _live.TryGetValue(id, out var job) ? job.Snapshot() : await store.FindAsync(id, cancellationToken) ?? throw new JobNotFoundException(id);

    /// <summary>The job if it is waiting or running, to follow its changes.</summary>
    public Job? Live(string id) => _live.GetValueOrDefault(id);

    public async Task<JobPage> ListAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var page = await store.ListAsync(limit, before, cancellationToken);
        return page with { Jobs = page.Jobs.Select(j => _live.TryGetValue(j.Id, out var live) ? live.Snapshot() : j).ToList() };
    }

    /// <summary>Cancels a waiting job at once, or a running one (its downloads, ffmpeg and multipart upload stop).</summary>
    public async Task<JobSnapshot> CancelAsync(string id, CancellationToken cancellationToken)
    {
        if (!_live.TryGetValue(id, out var job))
        {
            var stored = await store.FindAsync(id, cancellationToken) ?? throw new JobNotFoundException(id);
            throw new JobAlreadyEndedException(stored);
        }
        job.RequestCancel();
        if (job.Snapshot().Phase == JobPhase.Queued)
        {
            await store.SaveAsync(job.MarkCancelled(), cancellationToken);
            _live.TryRemove(id, out _);
            _heldIds.TryRemove(id, out _);
        }
        // A running job notices within moments; answer with its end when it comes quickly.
        await Task.WhenAny(job.Completion, Task.Delay(TimeSpan.FromSeconds(15), cancellationToken));
        return job.Snapshot();
    }

    /// <summary>Opens the database and puts every unfinished job back in the queue before the workers start.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        foreach (var unfinished in await store.UnfinishedAsync(cancellationToken))
            await RecoverAsync(unfinished, cancellationToken);
        AdmitHeld();
        _recovered.TrySetResult();
        ServiceMetrics.ObserveQueue(() => _live.Values.Count(j => j.Snapshot().Phase == JobPhase.Queued));
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrent).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var job in _queue.Reader.ReadAllAsync(stoppingToken))
                await RunAsync(job, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what still waits stays queued in the database and runs on the next start.
        }
    }

    private async Task RunAsync(Job job, CancellationToken stoppingToken)
    {
        if (job.CancelRequested)
            return;
        await SaveAsync(job.Start());
        AdmitHeld();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.CancellationToken);
        run.CancelAfter(options.Value.Timeout);
        try
        {
            if (!job.Snapshot().IsResolved && await ResolveAsync(job, run.Token))
                return;
            var snapshot = job.Snapshot();
            var result = await pipeline.RunAsync(new UploadRequest(job.VideoId, snapshot.Quality, snapshot.Title, snapshot.Format), job, run.Token);
            await SaveAsync(job.Complete(JobResult.From(result.Video, result.Plan, result.Object)));
        }
        catch (Exception) when (job.CancelRequested)
        {
            await SaveAsync(job.MarkCancelled());
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping, not the job failing: the store has aborted the upload; run it again next start.
            logger.LogInformation("Job {JobId} goes back to the queue: the server is stopping", job.Id);
            await SaveAsync(job.Requeue());
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            var timedOut = new JobTimedOutException(options.Value.Timeout);
            await SaveAsync(job.Fail(timedOut, timedOut.Message));
        }
        catch (YtDownloaderException ex)
        {
            logger.LogInformation("Job {JobId} failed: {Error}", job.Id, ex.Message);
            await SaveAsync(job.Fail(ex, ex.Message));
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed unexpectedly", job.Id);
            await SaveAsync(job.Fail(ex, "Something went wrong on the server. The error was logged; please try again."));
        }
        finally
        {
            _live.TryRemove(job.Id, out _);
        }
    }

    /// <summary>
    /// A batch job's turn: its video is looked up now. An equal job already running is waited for, and an object
    /// that exists answers the job (dedup and reuse per video, so a second run of a playlist stores only what is new).
    /// </summary>
    /// <returns>Whether the job ended here, without a download of its own.</returns>
    private async Task<bool> ResolveAsync(Job job, CancellationToken cancellationToken)
    {
        var snapshot = job.Snapshot();
        var prepared = await pipeline.PrepareAsync(new UploadRequest(job.VideoId, snapshot.Quality, null, snapshot.Format), cancellationToken);
        await SaveAsync(job.Resolve(prepared));
        if (Running(prepared.Key, except: job) is { } equal)
        {
            try
            {
                await equal.Completion.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // The other job failed: this one tries for itself.
            }
        }
        if (!options.Value.ReuseExisting || await videos.FindAsync(prepared.Key, cancellationToken) is not { } existing)
            return false;
        await SaveAsync(job.Complete(JobResult.From(prepared.Video, prepared.Plan, existing), reused: true));
        return true;
    }

    private void Hold(Job job)
    {
        lock (_heldGate)
        {
            _live[job.Id] = job;
            _heldIds[job.Id] = job;
            _held.Enqueue(job);
        }
    }

    /// <summary>Moves held batch jobs into the queue, in order, while it has room.</summary>
    private void AdmitHeld()
    {
        lock (_heldGate)
        {
            while (_held.TryPeek(out var next) && (!_heldIds.ContainsKey(next.Id) || QueuedCount() < options.Value.MaxQueued))
            {
                _held.Dequeue();
                // A job cancelled while held has already left.
                if (_heldIds.TryRemove(next.Id, out _))
                    _queue.Writer.TryWrite(next);
            }
        }
    }

    /// <summary>Jobs waiting in the queue itself; held batch jobs wait outside it.</summary>
    private int QueuedCount() => _live.Values.Count(j => j.Snapshot().Phase == JobPhase.Queued && !_heldIds.ContainsKey(j.Id));

    /// <summary>A job found unfinished at start: queued ones wait again; one the process died under is retried from the start.</summary>
    private async Task RecoverAsync(JobSnapshot unfinished, CancellationToken cancellationToken)
    {
        if (unfinished.Phase != JobPhase.Queued && unfinished.IsResolved)
        {
            try
            {
                await videos.AbortUnfinishedAsync(unfinished.Key, cancellationToken);
            }
            catch (YtDownloaderException ex)
            {
                logger.LogWarning("Could not abort the half-done upload of job {JobId}: {Error}", unfinished.Id, ex.Message);
            }
            if (unfinished.Attempts >= options.Value.MaxAttempts)
            {
                await store.SaveAsync(unfinished with
                {
                    Phase = JobPhase.Failed,
                    FinishedAt = time.GetUtcNow(),
                    Error = $"The server stopped {unfinished.Attempts} times while this job ran, so it was not tried again. Start it anew to retry.",
                }, cancellationToken);
                return;
            }
            logger.LogInformation("Job {JobId} was interrupted by a restart; it runs again from the start", unfinished.Id);
        }
        var job = new Job(unfinished with { Phase = JobPhase.Queued, DownloadedBytes = 0, UploadedBytes = 0 }, time);
        await store.SaveAsync(job.Snapshot(), cancellationToken);
        if (unfinished.Batch is null)
            Enqueue(job);
        else
            Hold(job);
    }

    private void Enqueue(Job job)
    {
        _live[job.Id] = job;
        _queue.Writer.TryWrite(job);
    }

    private Job? Running(string key, Job? except = null) =>
        _live.Values.FirstOrDefault(j => j != except && j.Key == key && !j.Snapshot().HasEnded);

    // A job's state must reach the database even when the request or the server is being cancelled.
    private Task SaveAsync(JobSnapshot snapshot)
    {
        if (snapshot.HasEnded)
            ServiceMetrics.JobEnded(
                snapshot.Phase.ToString().ToLowerInvariant(), snapshot.FinishedAt - snapshot.StartedAt, snapshot.DownloadedBytes, snapshot.UploadedBytes);
        return store.SaveAsync(snapshot, CancellationToken.None);
    }
}
