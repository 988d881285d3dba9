namespace YtDownloader;

/// <summary>
/// Large byte arrays reused while a job needs them and given up when none is out. <c>ArrayPool.Create</c> keeps
/// every array it was ever handed back for the life of the process (a job's 4 MiB chunks and 8 MiB parts stayed
/// after it, tens of megabytes of an idle server); <c>ArrayPool.Shared</c> keeps one per thread, so arrays handed
/// between thread-pool threads pile up. Here the free arrays are kept only while another one is rented: when the
/// last one comes back, they all go to the collector, and once no pool has had an array out for a second the
/// collector is asked for them (<see cref="IdleCollection"/>).
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
        IdleCollection.Rented();
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

    private void GiveBack(byte[] array, bool reuse)
    {
        try
        {
            lock (_gate)
            {
                _rented--;
                if (_rented == 0)
                {
                    _free.Clear();
                    return;
                }
                if (!reuse)
                    return;
                if (!_free.TryGetValue(array.Length, out var free))
                    _free[array.Length] = free = new Stack<byte[]>();
                if (free.Count < mostKeptPerLength)
                    free.Push(array);
            }
        }
        finally
        {
            IdleCollection.GaveBack();
        }
    }
}

/// <summary>
/// One full, compacting collection once no <see cref="BufferPool"/> has had an array out for <see cref="Quiet"/>.
/// The arrays a job let go of sit in the large object heap, which only a full collection frees, and a server with
/// no work runs none: without this an idle server kept its last jobs' chunks and parts (tens of megabytes) until
/// its next busy spell. Aggressive, so that the collector also gives the emptied heap back to the system instead
/// of keeping it committed for the next job. It costs one pause of a few milliseconds per quiet spell, not per job
/// in a stream of jobs.
/// </summary>
internal static class IdleCollection
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1);
    private static readonly Timer Timer = new(_ => CollectIfStillQuiet());
    private static int s_out;

    public static void Rented() => Interlocked.Increment(ref s_out);

    /// <summary>When the last array comes back, the quiet second starts (again).</summary>
    public static void GaveBack()
    {
        if (Interlocked.Decrement(ref s_out) == 0)
            Timer.Change(Quiet, Timeout.InfiniteTimeSpan);
    }

    private static void CollectIfStillQuiet()
    {
        // An array rented since the timer was set and still out: its return sets the timer again.
        if (Volatile.Read(ref s_out) == 0)
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}
