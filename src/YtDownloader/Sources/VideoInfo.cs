using YtDownloader.Urls;

namespace YtDownloader.Sources;

/// <summary>What a source knows about one video: its metadata and every stream it can be downloaded from.</summary>
public sealed record VideoInfo(
    VideoId Id,
    string Title,
    string Author,
    TimeSpan Duration,
    IReadOnlyList<Thumbnail> Thumbnails,
    IReadOnlyList<MediaFormat> Formats,
    string SourceName,
    DateTimeOffset? ExpiresAt = null)
{
    /// <summary>The largest thumbnail, or null when the source gave none.</summary>
    public Thumbnail? BestThumbnail => Thumbnails.MaxBy(t => (long)t.Width * t.Height);
}

/// <summary>A still image of the video.</summary>
public sealed record Thumbnail(string Url, int Width, int Height);
