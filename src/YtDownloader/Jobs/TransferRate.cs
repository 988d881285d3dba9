namespace YtDownloader.Jobs;

/// <summary>Speed over the last few seconds, not since the start, so that the ETA follows a connection that slows down.</summary>
public sealed class TransferRate(TimeProvider time, TimeSpan window)
{
    private readonly Queue<(long Ticks, long Bytes)> _samples = new();

    public void Add(long totalBytes)
    {
        var now = time.GetTimestamp();
        _samples.Enqueue((now, totalBytes));
        while (_samples.Count > 2 && time.GetElapsedTime(_samples.Peek().Ticks, now) > window)
            _samples.Dequeue();
    }

    /// <summary>Bytes per second, or <see langword="null"/> before two samples some time apart.</summary>
    public double? BytesPerSecond
    {
        get
        {
            if (_samples.Count < 2)
                return null;
            var (firstTicks, firstBytes) = _samples.Peek();
            var (lastTicks, lastBytes) = _samples.Last();
            var seconds = time.GetElapsedTime(firstTicks, lastTicks).TotalSeconds;
            return seconds < 0.2 ? null : (lastBytes - firstBytes) / seconds;
        }
    }

    /// <summary>Seconds until <paramref name="total"/> at the current speed, or <see langword="null"/> when unknown.</summary>
    public double? SecondsLeft(long done, long? total) =>
        total is { } t && BytesPerSecond is { } speed and > 0 ? Math.Max(0, (t - done) / speed) : null;
}
