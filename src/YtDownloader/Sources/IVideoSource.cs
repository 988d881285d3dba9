using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>Somewhere a video's metadata and stream URLs can be had: YouTube itself or an Invidious instance.</summary>
public interface IVideoSource
{
    /// <summary>A name for logs and error messages, e.g. "YouTube" or "Invidious (https://inv.example)".</summary>
    string Name { get; }

    /// <param name="refused">
    /// Providers (<see cref="VideoInfo.Provider"/>) whose streams the media server refused for this video, to skip:
    /// a download that was cut off asks again, of someone else.
    /// </param>
    Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken);
}
