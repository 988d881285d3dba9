using System.Reflection;
using System.Runtime.ExceptionServices;
using YtDownloader.Jobs;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The service's own job store, with one listing held between its read and its answer: once armed, the next
/// <see cref="IJobStore.ListAsync"/> reads its page (the job still running), then waits until the job's end is
/// written and its worker has come back to claim the next one (so the job has left the runner's memory). The page
/// it answers is the one read before the end, which is the race a list meets when a job ends as it is read.
/// </summary>
public class ListingHeldUntilTheJobEnds : DispatchProxy
{
    private IJobStore _store = null!;
    private string? _job;
    private TaskCompletionSource? _claimedAfterTheEnd;

    public static IJobStore Around(IJobStore store, out ListingHeldUntilTheJobEnds hold)
    {
        var proxy = Create<IJobStore, ListingHeldUntilTheJobEnds>();
        hold = (ListingHeldUntilTheJobEnds)(object)proxy;
        hold._store = store;
        return proxy;
    }

    /// <summary>Holds the next listing until this job has ended and left the node.</summary>
    public void Arm(string job) => _job = job;

    /// <summary>Whether a listing was held (the spec must not pass on a listing that raced nothing).</summary>
    public bool Held { get; private set; }

    protected override object? Invoke(MethodInfo? method, object?[]? args)
    {
        if (method!.Name == nameof(IJobStore.ListAsync) && _job is { } job)
        {
            _job = null;
            return HoldAsync((Task<JobPage>)Forward(method, args)!, job);
        }
        if (method.Name == nameof(IJobStore.ClaimAsync))
            _claimedAfterTheEnd?.TrySetResult();
        return Forward(method, args);
    }

    // The store's own exception, not reflection's wrapper, as the runner would see it without the proxy.
    private object? Forward(MethodInfo method, object?[]? args)
    {
        try
        {
            return method.Invoke(_store, args);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is { } thrown)
        {
            ExceptionDispatchInfo.Throw(thrown);
            throw;
        }
    }

    private async Task<JobPage> HoldAsync(Task<JobPage> listing, string job)
    {
        var page = await listing;
        if (page.Jobs.SingleOrDefault(j => j.Id == job) is not { HasEnded: false })
            return page;
        Held = true;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while ((await _store.FindAsync(job, CancellationToken.None))?.HasEnded != true && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        // The worker removes the job from memory before it claims again; the claim after the end says it has.
        _claimedAfterTheEnd = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await _claimedAfterTheEnd.Task.WaitAsync(TimeSpan.FromMinutes(1));
        return page;
    }
}
