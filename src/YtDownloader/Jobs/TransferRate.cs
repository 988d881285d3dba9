namespace YtDownloader.Jobs;

/// <summary>Speed over the last few seconds, not since the start, so that the ETA follows a connection that slows down.</summary>
public sealed class TransferRate(TimeProvider time, TimeSpan window)
{
    // A job reports with every read, thousands of times a second: the window keeps one sample per tenth of a second
    // and the latest apart, a few dozen, not every report of the last seconds (a queue that grew into the large
    // object heap during a fast job, and that was walked to its end for each snapshot).
    private static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100);
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();
    private long _lastSampled;
    private (long Ticks, long Bytes) _latest;

    public void Add(long totalBytes)
    {
        var now = time.GetTimestamp();
        _latest = (now, totalBytes);
        if (_samples.Count == 0 || time.GetElapsedTime(_lastSampled, now) >= Spacing)
        {
            _samples.Enqueue(_latest);
            _lastSampled = now;
        }
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().Ticks, now) > window)
            _samples.Dequeue();
    }

    /// <summary>Bytes per second, or <see langword="null"/> before two samples some time apart.</summary>
    public double? BytesPerSecond
    {
        get
        {
            if (_samples.Count == 0)
                return null;
            var (firstTicks, firstBytes) = _samples.Peek();
            var seconds = time.GetElapsedTime(firstTicks, _latest.Ticks).TotalSeconds;
            return seconds < 0.2 ? null : (_latest.Bytes - firstBytes) / seconds;
        }
    }

    /// <summary>Samples held for the window.</summary>
    internal int Samples => _samples.Count;

    /// <summary>Seconds until <paramref name="total"/> at the current speed, or <see langword="null"/> when unknown.</summary>
    public double? SecondsLeft(long done, long? total) =>
        total is { } t && BytesPerSecond is { } speed and > 0 ? Math.Max(0, (t - done) / speed) : null;
}
