using System.Collections.Concurrent;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using YtDownloader.Pipeline;
using YtDownloader.Sources;
using YtDownloader.Storage;
using YtDownloader.Urls;

namespace YtDownloader.Jobs;

/// <summary>A request to store one video at one quality, as a job.</summary>
public sealed record JobRequest(
    string Url, VideoId VideoId, string Quality, string? Title, OutputFormat Output = OutputFormat.Mp4, IReadOnlyList<string>? Subtitles = null);

/// <summary>One video of a batch, with the title its listing shows until the job looks the video up.</summary>
public sealed record BatchVideo(VideoId VideoId, string Title);

/// <summary>A request to store many videos (a playlist or channel, or a chosen part of it) at one quality, one job each.</summary>
public sealed record BatchRequest(IReadOnlyList<BatchVideo> Videos, string Quality, OutputFormat Output);

/// <summary>
/// Runs uploads as jobs. The queue is the <see cref="IJobStore"/>: a job waits as a row until one of this node's
/// <see cref="JobsOptions.MaxConcurrent"/> workers (or another node's, on PostgreSQL) claims it, oldest first, and
/// holds its lease, renewed with every progress write, while it runs. A request equal to a waiting or running job
/// joins it; one whose object exists is answered with it. A job whose node died is taken over once its lease
/// expires: its half-done upload is aborted and it runs again, up to <see cref="JobsOptions.MaxAttempts"/> runs.
/// </summary>
public sealed class JobRunner(
    IJobStore store,
    JobSignals signals,
    VideoPipeline pipeline,
    IVideoStore videos,
    IOptions<JobsOptions> options,
    TimeProvider time,
    ILogger<JobRunner> logger) : BackgroundService
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    // Progress reaches the store (and so other nodes) at most this often; each write also renews the lease and
    // learns of a cancel asked on another node.
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(400);

    // How often an idle worker looks at the store without a signal: a node that dies sends none when its lease ends.
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    // Byte counts change with every chunk; a few updates a second are enough for a progress bar.
    private static readonly TimeSpan EventInterval = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentDictionary<string, Job> _running = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<JobResult>> _waiters = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>This process among the nodes sharing the store: written on each job it claims.</summary>
    public string NodeId { get; } = options.Value.NodeId ?? $"{Environment.MachineName}-{Environment.ProcessId}";

    private TimeSpan Lease => options.Value.LeaseDuration;

    /// <summary>Creates a job, or joins an equal waiting or running one, or answers with the existing object.</summary>
    public async Task<JobSnapshot> SubmitAsync(JobRequest request, CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);

        // Resolved before queuing: a private video or an unknown quality is answered now, and the key is known.
        var prepared = await pipeline.PrepareAsync(
            new UploadRequest(request.VideoId, request.Quality, request.Title, request.Output, request.Subtitles), cancellationToken);
        var (video, plan, title, key, subtitles) = prepared;
        var snapshot = new JobSnapshot(
            Guid.CreateVersion7().ToString("N"), request.Url, video.Id.Value, plan.Quality, title, key, JobPhase.Queued, 0, 0,
            plan.SourceBytes, time.GetUtcNow(), Format: plan.Output,
            Subtitles: subtitles.Count == 0 ? null : [.. subtitles.Select(s => s.Track.Language)]);

        while (true)
        {
            var live = LiveJobs();
            if (await store.FindActiveAsync(key, cancellationToken) is { } equal)
                return Current(equal, live);
            if (options.Value.ReuseExisting && await pipeline.FindStoredAsync(prepared, cancellationToken) is { } existing)
            {
                var reused = new Job(snapshot with { Reused = true }, time).Complete(JobResult.From(existing));
                ServiceMetrics.JobEnded("reused", null, 0, 0);
                await store.AddAsync(reused, cancellationToken);
                return reused;
            }
            var waiting = await store.CountQueuedAsync(cancellationToken);
            if (waiting >= options.Value.MaxQueued)
                throw new QueueFullException(waiting, RetryAfter);
            if (await store.AddAsync(snapshot, cancellationToken))
                return snapshot;
            // An equal request, here or on another node, added its job first: the next round joins it.
        }
    }

    /// <summary>
    /// Creates one job per video, in order, with one batch ID. Nothing is looked up yet: each job finds its video
    /// when its turn comes, and is answered then with the existing object (reuse) or waits for an equal job. A batch
    /// does not count against <see cref="JobsOptions.MaxQueued"/>: its jobs wait in order, however many.
    /// </summary>
    public async Task<(string Batch, IReadOnlyList<JobSnapshot> Jobs)> SubmitBatchAsync(BatchRequest request, CancellationToken cancellationToken)
    {
        await _ready.Task.WaitAsync(cancellationToken);
        var batch = Guid.CreateVersion7().ToString("N");
        var jobs = request.Videos.Select(v => new JobSnapshot(
            Guid.CreateVersion7().ToString("N"), $"https://www.youtube.com/watch?v={v.VideoId}", v.VideoId.Value, request.Quality, v.Title,
            Key: "", JobPhase.Queued, 0, 0, null, time.GetUtcNow(), Batch: batch, Format: request.Output)).ToList();
        await store.AddBatchAsync(jobs, cancellationToken);
        return (batch, jobs);
    }

    /// <summary>A batch's jobs in order, live where they run on this node.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> ListBatchAsync(string batch, CancellationToken cancellationToken)
    {
        var live = LiveJobs();
        var stored = await store.ListBatchAsync(batch, cancellationToken);
        if (stored.Count == 0)
            throw new BatchNotFoundException(batch);
        var jobs = new List<JobSnapshot>(stored.Count);
        foreach (var job in stored)
            jobs.Add(await WithFreshLinkAsync(Current(job, live), cancellationToken));
        return jobs;
    }

    /// <summary>Cancels every job of the batch that has not ended: waiting ones at once, running ones on whichever node.</summary>
    public async Task<IReadOnlyList<JobSnapshot>> CancelBatchAsync(string batch, CancellationToken cancellationToken)
    {
        foreach (var job in (await ListBatchAsync(batch, cancellationToken)).Where(j => !j.HasEnded))
        {
            var cancelled = job with { Phase = JobPhase.Cancelled, FinishedAt = time.GetUtcNow() };
            if (job.Phase == JobPhase.Queued && await store.CancelQueuedAsync(cancelled, cancellationToken))
                continue;
            await store.RequestCancelAsync(job.Id, cancellationToken);
        }
        // Running jobs notice within moments; answer with their ends when they come quickly.
        var patience = time.GetUtcNow() + TimeSpan.FromSeconds(15);
        while (true)
        {
            var jobs = await ListBatchAsync(batch, cancellationToken);
            if (jobs.All(j => j.HasEnded) || time.GetUtcNow() > patience)
                return jobs;
            await Task.Delay(EventInterval, time, cancellationToken);
        }
    }

    /// <summary>The job as it is now: live if it runs on this node, else as the store has it.</summary>
    public async Task<JobSnapshot> GetAsync(string id, CancellationToken cancellationToken) =>
        await WithFreshLinkAsync(
            _running.TryGetValue(id, out var job) ? job.Snapshot() : await store.FindAsync(id, cancellationToken) ?? throw new JobNotFoundException(id),
            cancellationToken);

    public async Task<JobPage> ListAsync(int limit, string? before, CancellationToken cancellationToken)
    {
        var live = LiveJobs();
        var page = await store.ListAsync(limit, before, cancellationToken);
        var jobs = new List<JobSnapshot>(page.Jobs.Count);
        foreach (var job in page.Jobs)
            jobs.Add(await WithFreshLinkAsync(Current(job, live), cancellationToken));
        return page with { Jobs = jobs };
    }

    /// <summary>A done job's links made as it is read: links made when the job ended would expire with time.</summary>
    private async Task<JobSnapshot> WithFreshLinkAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        if (job.Result is not { } result)
            return job;
        var links = await videos.LinksAsync(result.Key, cancellationToken);
        var subtitles = new List<SubtitleResult>(result.Subtitles?.Count ?? 0);
        foreach (var subtitle in result.Subtitles ?? [])
            subtitles.Add(subtitle with { Url = (await videos.LinksAsync(subtitle.Key, cancellationToken)).Download });
        return job with { Result = result with { DownloadUrl = links.Download, OpenUrl = links.Open, Subtitles = subtitles } };
    }

    /// <summary>
    /// The job's states until it ends, in order: from this node's memory while it runs here (every change), else
    /// from the store (as often as the node running it writes progress).
    /// </summary>
    public async IAsyncEnumerable<JobSnapshot> FollowAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        JobSnapshot? last = null;
        while (true)
        {
            if (_running.TryGetValue(id, out var job))
            {
                while (true)
                {
                    var next = job.NextChange;
                    var snapshot = await WithFreshLinkAsync(job.Snapshot(), cancellationToken);
                    yield return last = snapshot;
                    if (snapshot.HasEnded)
                        yield break;
                    await WhenChangedAsync(next, cancellationToken);
                    // Handed back (the server stopping) or lost to another node: from here on the store tells.
                    if (!_running.ContainsKey(id))
                        break;
                    await Task.Delay(EventInterval, cancellationToken);
                }
            }
            var changed = signals.NextChange(id);
            var stored = await store.FindAsync(id, cancellationToken) ?? throw new JobNotFoundException(id);
            if (stored != last)
                yield return last = await WithFreshLinkAsync(stored, cancellationToken);
            if (stored.HasEnded)
            {
                signals.Forget(id, changed);
                yield break;
            }
            await WhenChangedAsync(changed, cancellationToken);
            await Task.Delay(EventInterval, cancellationToken);
        }
    }

    /// <summary>The job's result once it ends, or the exception that failed it (the original one when it ran on this node).</summary>
    public async Task<JobResult> WaitForResultAsync(JobSnapshot job, CancellationToken cancellationToken)
    {
        if (job.HasEnded)
            return job.Result ?? throw job.Failure();
        var local = _waiters.GetOrAdd(job.Id, _ => new TaskCompletionSource<JobResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            while (true)
            {
                var changed = signals.NextChange(job.Id);
                // This node completes the waiter before it writes the end, so a local end is always seen here first.
                if (local.Task.IsCompleted)
                    return await local.Task;
                var stored = await store.FindAsync(job.Id, cancellationToken) ?? throw new JobNotFoundException(job.Id);
                if (stored.HasEnded)
                {
                    signals.Forget(job.Id, changed);
                    return local.Task.IsCompleted ? await local.Task : (await WithFreshLinkAsync(stored, cancellationToken)).Result ?? throw stored.Failure();
                }
                await Task.WhenAny(local.Task, WhenChangedAsync(changed, cancellationToken));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        finally
        {
            _waiters.TryRemove(new KeyValuePair<string, TaskCompletionSource<JobResult>>(job.Id, local));
        }
    }

    /// <summary>
    /// Cancels a waiting job at once, or a running one on whichever node (its downloads, ffmpeg and multipart upload
    /// stop), and answers it; an ended job is removed from the history instead (its object stays), and answers null.
    /// </summary>
    public async Task<JobSnapshot?> CancelOrRemoveAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(id, cancellationToken) ?? throw new JobNotFoundException(id);
        if (stored.HasEnded)
            return await store.RemoveEndedAsync(id, cancellationToken) ? null : throw new JobNotFoundException(id);
        var cancelled = stored with { Phase = JobPhase.Cancelled, FinishedAt = time.GetUtcNow() };
        if (stored.Phase == JobPhase.Queued && await store.CancelQueuedAsync(cancelled, cancellationToken))
            return cancelled;

        await store.RequestCancelAsync(id, cancellationToken);
        // A running job notices within moments; answer with its end when it comes quickly.
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(15));
        var latest = stored;
        try
        {
            await foreach (var snapshot in FollowAsync(id, patience.Token))
                latest = snapshot;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Still stopping: answer with the job as it is.
        }
        return latest;
    }

    /// <summary>Opens the store (bringing its schema up to date) before the first request or claim.</summary>
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.InitializeAsync(cancellationToken);
        signals.CancelRequested += id => _running.GetValueOrDefault(id)?.RequestCancel();
        // Read once per scrape; the waiting jobs of every node, as the store counts them (an indexed count).
        ServiceMetrics.ObserveQueue(() => store.CountQueuedAsync(CancellationToken.None).GetAwaiter().GetResult());
        _ready.TrySetResult();
        await base.StartAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.MaxConcurrent).Select(_ => WorkAsync(stoppingToken)));

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimable = signals.NextClaimable;
            try
            {
                if (await store.ClaimAsync(NodeId, Lease, stoppingToken) is { } claimed)
                    await RunAsync(claimed, stoppingToken);
                else
                    await WhenChangedAsync(claimable, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                // Stopping: what still waits stays queued in the store for the next start or another node.
                return;
            }
            catch (DbException ex)
            {
                logger.LogWarning("Could not claim a job from the store: {Error}", ex.Message);
                await Task.Delay(PollInterval, time, CancellationToken.None);
            }
        }
    }

    private async Task RunAsync(JobSnapshot claimed, CancellationToken stoppingToken)
    {
        var job = new Job(claimed.Restarted(), time);
        // Held here from the claim on: this node's own job whose renewals fell behind (a stalled machine, a slow
        // abort before it starts) is claimed again by another worker, and that claim only renewed its lease.
        if (!_running.TryAdd(job.Id, job))
            return;
        try
        {
            if (claimed.Phase != JobPhase.Queued && !await TakeOverAsync(claimed, stoppingToken))
                return;
            if (await UpdateAsync(job, job.Start()) == JobLease.Lost)
                return;
            var (final, lost) = await RunPipelineAsync(job, stoppingToken);
            if (lost)
            {
                logger.LogWarning("Job {JobId} was taken over by another node after this one lost its lease; stopped here", job.Id);
                return;
            }
            Settle(job.Id, final);
            await UpdateAsync(job, final);
        }
        finally
        {
            _running.TryRemove(job.Id, out _);
        }
    }

    private async Task<(JobSnapshot Final, bool Lost)> RunPipelineAsync(Job job, CancellationToken stoppingToken)
    {
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, job.CancellationToken);
        run.CancelAfter(options.Value.Timeout);
        using var stopBeating = new CancellationTokenSource();
        var lost = false;
        var beating = HeartbeatAsync(job, () => { lost = true; run.Cancel(); }, stopBeating.Token);
        JobSnapshot final;
        try
        {
            if (!job.Snapshot().IsResolved && await ResolveAsync(job, run.Token) is { } answered)
                final = answered;
            else
            {
                var snapshot = job.Snapshot();
                var result = await pipeline.RunAsync(
                    new UploadRequest(job.VideoId, snapshot.Quality, snapshot.Title, snapshot.Format, snapshot.Subtitles), job, run.Token);
                final = job.Complete(JobResult.From(result));
            }
        }
        catch (Exception) when (job.CancelRequested)
        {
            final = job.MarkCancelled();
        }
        catch (Exception) when (stoppingToken.IsCancellationRequested)
        {
            // The server is stopping, not the job failing: the store has aborted the upload; the job is handed back
            // at once, for another node or the next start.
            logger.LogInformation("Job {JobId} goes back to the queue: the server is stopping", job.Id);
            final = job.Requeue();
        }
        catch (Exception) when (lost)
        {
            final = job.Snapshot();
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested)
        {
            var timedOut = new JobTimedOutException(options.Value.Timeout);
            final = job.Fail(timedOut, timedOut.Message);
        }
        catch (YtDownloaderException ex)
        {
            logger.LogInformation("Job {JobId} failed: {Error}", job.Id, ex.Message);
            final = job.Fail(ex, ex.Message);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Job {JobId} failed unexpectedly", job.Id);
            final = job.Fail(ex, "Something went wrong on the server. The error was logged; please try again.");
        }
        // No progress write may land after the final one.
        await stopBeating.CancelAsync();
        await beating;
        return (final, lost);
    }

    /// <summary>Writes the running job's progress a few times a second, renewing its lease and hearing of cancels.</summary>
    private async Task HeartbeatAsync(Job job, Action onLost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(ProgressInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    if (await store.UpdateAsync(job.Snapshot(), NodeId, Lease, stop) == JobLease.Lost)
                    {
                        onLost();
                        return;
                    }
                }
                catch (DbException ex)
                {
                    // The job goes on; the next write renews the lease if the database is back in time.
                    logger.LogWarning("Could not write the progress of job {JobId}: {Error}", job.Id, ex.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A batch job's turn: its video is looked up now. An equal job waiting or running (on any node) is waited for,
    /// and an object that exists answers the job (so a second run of a playlist stores only what is new).
    /// </summary>
    /// <returns>The job's end when it ended here without a download of its own, else null with its key now known.</returns>
    private async Task<JobSnapshot?> ResolveAsync(Job job, CancellationToken cancellationToken)
    {
        var snapshot = job.Snapshot();
        var prepared = await pipeline.PrepareAsync(new UploadRequest(job.VideoId, snapshot.Quality, null, snapshot.Format), cancellationToken);
        while (await store.FindActiveAsync(prepared.Key, cancellationToken) is { } equal && equal.Id != job.Id)
        {
            // Whatever its end: done leaves an object to reuse, a failure lets this job try for itself.
            await foreach (var _ in FollowAsync(equal.Id, cancellationToken))
            {
            }
        }
        job.Resolve(prepared);
        if (options.Value.ReuseExisting && await pipeline.FindStoredAsync(prepared, cancellationToken) is { } existing)
            return job.Complete(JobResult.From(existing), reused: true);
        // The key goes into the store now: from here an equal request joins this job.
        await UpdateAsync(job, job.Snapshot());
        return null;
    }

    /// <summary>A job whose node died under it: its half-done upload is aborted; it runs again unless it has used its runs.</summary>
    private async Task<bool> TakeOverAsync(JobSnapshot interrupted, CancellationToken cancellationToken)
    {
        try
        {
            // A batch job interrupted before it looked its video up has no key, and so nothing half-done.
            if (interrupted.IsResolved)
                await videos.AbortUnfinishedAsync(interrupted.Key, cancellationToken);
        }
        catch (YtDownloaderException ex)
        {
            logger.LogWarning("Could not abort the half-done upload of job {JobId}: {Error}", interrupted.Id, ex.Message);
        }
        if (interrupted.Attempts < options.Value.MaxAttempts)
        {
            logger.LogInformation("Job {JobId} was interrupted (its server stopped or lost its lease); it runs again from the start", interrupted.Id);
            return true;
        }
        var failed = interrupted with
        {
            Phase = JobPhase.Failed,
            FinishedAt = time.GetUtcNow(),
            Error = $"The server stopped {interrupted.Attempts} times while this job ran, so it was not tried again. Start it anew to retry.",
            FailureCategory = ErrorCategory.UpstreamFailed,
        };
        Settle(interrupted.Id, failed);
        await UpdateAsync(null, failed);
        return false;
    }

    /// <summary>Hands an ended job's outcome to callers on this node waiting for it, with the original exception.</summary>
    private void Settle(string id, JobSnapshot final)
    {
        if (!final.HasEnded || !_waiters.TryRemove(id, out var waiter))
            return;
        if (final.Result is { } result)
            waiter.TrySetResult(result);
        else
            waiter.TrySetException(_running.TryGetValue(id, out var job) && job.Completion.Exception?.InnerException is { } original ? original : final.Failure());
    }

    // A job's state must reach the store even when the request or the server is being cancelled.
    private async Task<JobLease> UpdateAsync(Job? job, JobSnapshot snapshot)
    {
        var lease = await store.UpdateAsync(snapshot, NodeId, Lease, CancellationToken.None);
        if (lease == JobLease.CancelRequested)
            job?.RequestCancel();
        if (snapshot.HasEnded && lease != JobLease.Lost)
            ServiceMetrics.JobEnded(
                snapshot.Phase.ToString().ToLowerInvariant(), snapshot.FinishedAt - snapshot.StartedAt, snapshot.DownloadedBytes, snapshot.UploadedBytes);
        return lease;
    }

    /// <summary>
    /// This node's running jobs, taken before a list reads the store. A job leaves <c>_running</c> only after its end
    /// is written, so one whose row was read as running is found here and answers with its end, even when it ended
    /// (and its worker started the next) between the two reads.
    /// </summary>
    private Dictionary<string, Job> LiveJobs() => new(_running);

    private JobSnapshot Current(JobSnapshot stored, Dictionary<string, Job> live) =>
        live.TryGetValue(stored.Id, out var job) || _running.TryGetValue(stored.Id, out job) ? job.Snapshot() : stored;

    private static async Task WhenChangedAsync(Task changed, CancellationToken cancellationToken)
    {
        await Task.WhenAny(changed, Task.Delay(PollInterval, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }
}
