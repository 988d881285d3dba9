using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>What a source knows about one video: its metadata and every stream it can be downloaded from.</summary>
/// <param name="Client">The client of the source that answered (an InnerTube client name), when the source has several.</param>
/// <param name="PlayableAt">Before this instant the media servers refuse the streams (a forced pre-roll ad): wait until then.</param>
public sealed record VideoInfo(
    VideoId Id,
    string Title,
    string Author,
    TimeSpan Duration,
    IReadOnlyList<Thumbnail> Thumbnails,
    IReadOnlyList<MediaFormat> Formats,
    string SourceName,
    DateTimeOffset? ExpiresAt = null,
    string? Client = null,
    DateTimeOffset? PlayableAt = null)
{
    /// <summary>Who answered, precisely enough to avoid it next time: the source, and its client when it has several ("YouTube VISIONOS").</summary>
    public string Provider => Client is null ? SourceName : $"{SourceName} {Client}";

    /// <summary>The largest thumbnail, or null when the source gave none.</summary>
    public Thumbnail? BestThumbnail => Thumbnails.MaxBy(t => (long)t.Width * t.Height);
}

/// <summary>A still image of the video.</summary>
public sealed record Thumbnail(string Url, int Width, int Height);
