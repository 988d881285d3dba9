namespace YtDownloader.Security;

public sealed class LimitsOptions
{
    public const string Section = "Limits";

    /// <summary>Longest video accepted; longer ones are refused before anything is downloaded.</summary>
    public double MaxDurationMinutes { get; set; } = 240;

    /// <summary>Largest download accepted (video plus audio), 20 GB by default.</summary>
    public long MaxBytes { get; set; } = 20_000_000_000;

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
