using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>
/// YouTube first, then each configured Invidious instance: the first source that answers wins, remembered for a short while.
/// Every failure moves on to the next source, verdicts about the video included: YouTube answers
/// "unavailable" or a bot check to one client or address and plays the same video to another.
/// </summary>
public sealed class SourceChain(IEnumerable<IVideoSource> sources, VideoInfoCache cache, ILogger<SourceChain> logger)
{
    private readonly IReadOnlyList<IVideoSource> _sources = sources.ToList();

    /// <summary>The video as the first source that answers describes it, or as it was recently, while its URLs stay valid.</summary>
    public Task<VideoInfo> GetVideoAsync(VideoId id, CancellationToken cancellationToken) =>
        cache.GetOrLookUpAsync(id, (v, c) => LookUpAsync(v, NoneRefused, c), cancellationToken);

    /// <summary>
    /// The video asked for again, past the cache, of every provider but those whose streams were refused
    /// (<see cref="VideoInfo.Provider"/>): a download cut off by one client goes on with the next.
    /// </summary>
    public Task<VideoInfo> GetVideoAvoidingAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken) =>
        LookUpAsync(id, refused, cancellationToken);

    private static readonly IReadOnlySet<string> NoneRefused = new HashSet<string>();

    private async Task<VideoInfo> LookUpAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
    {
        var failures = new List<(string, YtDownloaderException)>();
        foreach (var source in _sources)
        {
            try
            {
                var video = await source.GetVideoAsync(id, refused, cancellationToken);
                ServiceMetrics.SourceAttempt(source.Name, video.Client, succeeded: true);
                return video;
            }
            catch (YtDownloaderException ex)
            {
                ServiceMetrics.SourceAttempt(source.Name, null, succeeded: false);
                logger.LogWarning("{Source} failed for {VideoId}: {Error}", source.Name, id, ex.Message);
                failures.Add((source.Name, ex));
            }
        }
        throw new AllSourcesFailedException(failures);
    }
}
