using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>Somewhere a video's metadata and stream URLs can be had: YouTube itself or an Invidious instance.</summary>
public interface IVideoSource
{
    /// <summary>A name for logs and error messages, e.g. "YouTube" or "Invidious (https://inv.example)".</summary>
    string Name { get; }

    Task<VideoInfo> GetVideoAsync(VideoId id, CancellationToken cancellationToken);
}
