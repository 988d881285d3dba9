using System.Collections.Concurrent;

namespace YtDownloader.Jobs;

/// <summary>
/// Wake-ups for whoever waits on the job store in this process: a job changed, a job can be claimed, a cancel was
/// asked for. The store raises them for its own writes (SQLite) or from PostgreSQL's notifications, which reach
/// every node (PostgreSQL); waiters still look at the store itself, a signal only says when.
/// </summary>
public sealed class JobSignals
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _changes = new();
    private TaskCompletionSource _claimable = NewSignal();

    /// <summary>Raised with the job's ID when someone asks to cancel a job; the node running it stops it.</summary>
    public event Action<string>? CancelRequested;

    /// <summary>Completes at the job's next change; take it before reading the job so that no change is missed.</summary>
    public Task NextChange(string id) => _changes.GetOrAdd(id, _ => NewSignal()).Task;

    /// <summary>Completes when a job may be waiting for a node to claim it.</summary>
    public Task NextClaimable => Volatile.Read(ref _claimable).Task;

    public void Changed(string id)
    {
        if (_changes.TryRemove(id, out var changed))
            changed.TrySetResult();
    }

    /// <summary>Drops a wait on a job that will not change again (it has ended), unless someone else took it since.</summary>
    public void Forget(string id, Task change)
    {
        if (_changes.TryGetValue(id, out var waiting) && waiting.Task == change)
            _changes.TryRemove(new KeyValuePair<string, TaskCompletionSource>(id, waiting));
    }

    public void Claimable() => Interlocked.Exchange(ref _claimable, NewSignal()).TrySetResult();

    public void RequestCancel(string id) => CancelRequested?.Invoke(id);

    /// <summary>After notifications may have been missed (a lost connection): every waiter looks again.</summary>
    public void EverythingChanged()
    {
        foreach (var id in _changes.Keys)
            Changed(id);
        Claimable();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
