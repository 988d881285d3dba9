using System.Collections.Concurrent;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using YtDownloader.Urls;

namespace YtDownloader.Sources;

public sealed class SourcesOptions
{
    public const string Section = "Sources";

    /// <summary>How long a video's metadata is reused; earlier when its stream URLs expire sooner. Zero turns the cache off.</summary>
    public TimeSpan CacheLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Videos kept at most; the ones closest to expiry make room first.</summary>
    public int CacheCapacity { get; set; } = 1000;
}

/// <summary>
/// A short-lived memory of the videos already looked up: the page asks for a video's qualities, then for the
/// upload, and people open the same link twice. An entry never outlives the stream URLs it holds (googlevideo
/// URLs carry <c>expire=</c>, the player response <c>expiresInSeconds</c>), and concurrent lookups of one video
/// share one call to the sources. Failures are not remembered.
/// </summary>
public sealed class VideoInfoCache(IOptions<SourcesOptions> options, TimeProvider time)
{
    /// <summary>A URL handed out must stay valid long enough for a download to start with it.</summary>
    internal static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<VideoId, Entry> _entries = new();
    private readonly SourcesOptions _options = options.Value;

    public async Task<VideoInfo> GetOrLookUpAsync(
        VideoId id, Func<VideoId, CancellationToken, Task<VideoInfo>> lookUp, CancellationToken cancellationToken)
    {
        if (_options.CacheLifetime <= TimeSpan.Zero)
            return await lookUp(id, cancellationToken);

        while (true)
        {
            var now = time.GetUtcNow();
            if (_entries.TryGetValue(id, out var existing))
            {
                if (existing.IsFreshAt(now))
                    return await existing.Video.WaitAsync(cancellationToken);
                _entries.TryRemove(new KeyValuePair<VideoId, Entry>(id, existing));
            }

            var entry = new Entry();
            if (!_entries.TryAdd(id, entry))
                continue;
            MakeRoom();
            // Not the caller's token: others may be waiting on this lookup after the first caller has gone.
            _ = FillAsync(id, entry, lookUp);
            return await entry.Video.WaitAsync(cancellationToken);
        }
    }

    private async Task FillAsync(VideoId id, Entry entry, Func<VideoId, CancellationToken, Task<VideoInfo>> lookUp)
    {
        try
        {
            var video = await lookUp(id, CancellationToken.None);
            var expiresAt = ExpiryOf(video, time.GetUtcNow());
            entry.Complete(video, expiresAt);
            if (expiresAt <= time.GetUtcNow())
                _entries.TryRemove(new KeyValuePair<VideoId, Entry>(id, entry));
        }
        catch (Exception ex)
        {
            _entries.TryRemove(new KeyValuePair<VideoId, Entry>(id, entry));
            entry.Fail(ex);
        }
    }

    /// <summary>The cache lifetime from now, or earlier: a margin before the first of the video's URLs expires.</summary>
    internal DateTimeOffset ExpiryOf(VideoInfo video, DateTimeOffset now)
    {
        var expiresAt = now + _options.CacheLifetime;
        if (video.ExpiresAt is { } responseExpiry)
            expiresAt = Min(expiresAt, responseExpiry - ExpiryMargin);
        foreach (var format in video.Formats)
        {
            if (UrlExpiry(format.Url) is { } urlExpiry)
                expiresAt = Min(expiresAt, urlExpiry - ExpiryMargin);
        }
        return expiresAt;
    }

    /// <summary>The <c>expire</c> parameter of a googlevideo URL, in Unix seconds, if it has one.</summary>
    internal static DateTimeOffset? UrlExpiry(Uri url)
    {
        if (!url.IsAbsoluteUri || string.IsNullOrEmpty(url.Query))
            return null;
        return QueryHelpers.ParseQuery(url.Query).TryGetValue("expire", out var values)
            && long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : null;
    }

    /// <summary>Keeps the cache within its capacity: expired entries go first, then those closest to expiry.</summary>
    private void MakeRoom()
    {
        if (_entries.Count <= _options.CacheCapacity)
            return;
        var now = time.GetUtcNow();
        foreach (var (id, entry) in _entries.Where(e => !e.Value.IsFreshAt(now)))
            _entries.TryRemove(new KeyValuePair<VideoId, Entry>(id, entry));
        var excess = _entries.Count - _options.CacheCapacity;
        if (excess <= 0)
            return;
        foreach (var (id, entry) in _entries.Where(e => e.Value.Video.IsCompleted).OrderBy(e => e.Value.ExpiresAt).Take(excess).ToList())
            _entries.TryRemove(new KeyValuePair<VideoId, Entry>(id, entry));
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private sealed class Entry
    {
        private readonly TaskCompletionSource<VideoInfo> _video = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _expiresAtTicks = DateTimeOffset.MaxValue.UtcTicks; // a lookup in flight is shared, not expired

        public Task<VideoInfo> Video => _video.Task;
        public DateTimeOffset ExpiresAt => new(Volatile.Read(ref _expiresAtTicks), TimeSpan.Zero);

        public bool IsFreshAt(DateTimeOffset now) => now < ExpiresAt;

        public void Complete(VideoInfo video, DateTimeOffset expiresAt)
        {
            Volatile.Write(ref _expiresAtTicks, expiresAt.UtcTicks);
            _video.SetResult(video);
        }

        public void Fail(Exception exception) => _video.SetException(exception);
    }
}
