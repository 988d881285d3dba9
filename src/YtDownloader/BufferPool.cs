namespace YtDownloader;

/// <summary>
/// Large byte arrays reused while jobs need them and given up when none is out. <c>ArrayPool.Create</c> keeps
/// every array it was ever handed back for the life of the process (a job's chunks and parts stayed
/// after it, tens of megabytes of an idle server); <c>ArrayPool.Shared</c> keeps one per thread, so arrays handed
/// between thread-pool threads pile up. Here the free arrays are kept until no pool has had an array out for a
/// second; then every pool lets go of them and the collector is asked for them (<see cref="IdleCollection"/>).
/// Not as soon as this pool's last array comes back: an upload's parts all come back at once whenever the store
/// answers faster than the parts are filled, and a 1 GB job then allocated its parts again every two seconds.
/// </summary>
/// <param name="mostKeptPerLength">Free arrays kept per length; more than that are left to the collector.</param>
public sealed class BufferPool(int mostKeptPerLength)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, Stack<byte[]>> _free = [];
    private int _rented;

    /// <summary>An array of exactly <paramref name="length"/> bytes, not cleared.</summary>
    public byte[] Rent(int length)
    {
        IdleCollection.Rented(this);
        lock (_gate)
        {
            _rented++;
            if (_free.TryGetValue(length, out var free) && free.TryPop(out var reused))
                return reused;
        }
        return GC.AllocateUninitializedArray<byte>(length);
    }

    /// <summary>Hands an array back for reuse.</summary>
    public void Return(byte[] array) => GiveBack(array, reuse: true);

    /// <summary>
    /// Counts an array back in without reusing it: someone may still read it (a response already hung up on), so
    /// it is left to the collector rather than handed out again.
    /// </summary>
    public void Forget(byte[] array) => GiveBack(array, reuse: false);

    /// <summary>Arrays rented and not yet given back.</summary>
    public int Rented
    {
        get { lock (_gate) return _rented; }
    }

    /// <summary>Free arrays held for reuse.</summary>
    public int Kept
    {
        get { lock (_gate) return _free.Values.Sum(f => f.Count); }
    }

    /// <summary>Lets go of every free array: no pool has had one out for a while (<see cref="IdleCollection"/>).</summary>
    internal void LetGoOfFree()
    {
        lock (_gate)
            _free.Clear();
    }

    private void GiveBack(byte[] array, bool reuse)
    {
        lock (_gate)
        {
            _rented--;
            if (reuse)
            {
                if (!_free.TryGetValue(array.Length, out var free))
                    _free[array.Length] = free = new Stack<byte[]>();
                if (free.Count < mostKeptPerLength)
                    free.Push(array);
            }
        }
        IdleCollection.GaveBack();
    }
}

/// <summary>
/// Once no <see cref="BufferPool"/> has had an array out for <see cref="Quiet"/>: every pool that rented since the
/// last time lets go of its free arrays, and one full, compacting collection takes them. The arrays sit in the
/// large object heap, which only a full collection frees, and a server with no work runs none: without this an idle
/// server kept its last jobs' chunks and parts (tens of megabytes) until its next busy spell. Aggressive, so that
/// the collector also gives the emptied heap back to the system instead of keeping it committed for the next job.
/// One pause per quiet spell, not per job in a stream of jobs.
/// </summary>
internal static class IdleCollection
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly Timer Timer = new(_ => LetGoIfStillQuiet());
    private static readonly Lock Gate = new();
    private static readonly HashSet<BufferPool> Used = [];
    private static int s_out;

    public static void Rented(BufferPool pool)
    {
        Interlocked.Increment(ref s_out);
        lock (Gate)
            Used.Add(pool);
    }

    /// <summary>When the last array comes back, the quiet second starts (again).</summary>
    public static void GaveBack()
    {
        if (Interlocked.Decrement(ref s_out) == 0)
            Timer.Change(Quiet, Timeout.InfiniteTimeSpan);
    }

    /// <summary>What the timer does, callable at once: true when nothing was out and the pools let go.</summary>
    internal static bool LetGoIfStillQuiet()
    {
        BufferPool[] pools;
        lock (Gate)
        {
            // An array rented since the timer was set and still out: its return sets the timer again.
            if (Volatile.Read(ref s_out) != 0)
                return false;
            pools = [.. Used];
            Used.Clear();
        }
        if (pools.Length == 0)
            return false;
        foreach (var pool in pools)
            pool.LetGoOfFree();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return true;
    }
}
