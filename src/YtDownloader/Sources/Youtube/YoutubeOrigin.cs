using Microsoft.Extensions.Options;

namespace YtDownloader.Sources.Youtube;

/// <summary>Sends every request for a YouTube-owned host to the configured origin, keeping its path and query.</summary>
internal sealed class YoutubeOrigin(IOptions<YoutubeOptions> options)
{
    private static readonly string[] YoutubeHosts = ["youtube.com", "youtubei.googleapis.com", "ytimg.com", "youtube-nocookie.com"];

    public Uri Origin { get; } = options.Value.Origin;

    public Uri Resolve(string pathAndQuery) => new(Origin, pathAndQuery);

    /// <summary>Rewrites a URL on a YouTube host to the origin; any other URL is returned as it is.</summary>
    public Uri Rewrite(Uri url)
    {
        var isYoutubeHost = YoutubeHosts.Any(h =>
            url.Host.Equals(h, StringComparison.OrdinalIgnoreCase) || url.Host.EndsWith("." + h, StringComparison.OrdinalIgnoreCase));
        return isYoutubeHost ? Resolve(url.PathAndQuery) : url;
    }
}
