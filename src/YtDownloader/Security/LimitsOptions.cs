namespace YtDownloader.Security;

/// <summary>What one request or client may ask of the server; the video limits of the same section are the pipeline's own.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Largest request body on <c>/api/*</c>: the API takes small JSON documents only.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024;

    /// <summary>Metadata requests per client per <see cref="RateLimitWindow"/>.</summary>
    public int MetadataRequests { get; set; } = 60;

    /// <summary>Downloads started per client per <see cref="RateLimitWindow"/>.</summary>
    public int JobRequests { get; set; } = 10;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Most videos a playlist or channel listing follows its continuations to; the rest is marked truncated.</summary>
    public int MaxPlaylistVideos { get; set; } = 500;
}
