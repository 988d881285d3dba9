namespace YtDownloader.Sources.Youtube;

public sealed class YoutubeOptions
{
    public const string Section = "Youtube";
    public static readonly Uri DefaultOrigin = new("https://www.youtube.com");

    /// <summary>
    /// Where every YouTube host (www.youtube.com, youtubei.googleapis.com, i.ytimg.com…) is reached, with the
    /// same paths: one mirror, proxy or test origin stands in for all of them. Media URLs are used as given.
    /// </summary>
    public Uri Origin { get; set; } = DefaultOrigin;

    /// <summary>How long the current player version is trusted before <c>/iframe_api</c> is asked again.</summary>
    public TimeSpan PlayerVersionLifetime { get; set; } = TimeSpan.FromMinutes(30);
}
