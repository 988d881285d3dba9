using Microsoft.Extensions.Options;

namespace YtDownloader.Sources.Youtube;

/// <summary>Where YouTube is: youtube.com itself, or a configured stand-in (a mirror, the tests' local YouTube).</summary>
internal sealed class YoutubeOrigin(IOptions<YoutubeOptions> options)
{
    /// <summary>The domains YouTube itself serves from (pages, the InnerTube API, thumbnails, embeds).</summary>
    internal static readonly string[] OwnDomains = ["youtube.com", "youtubei.googleapis.com", "ytimg.com", "youtube-nocookie.com"];

    public Uri Origin { get; } = options.Value.Origin;

    public Uri Resolve(string pathAndQuery) => new(Origin, pathAndQuery);

    /// <summary>
    /// With a stand-in origin, a URL on one of YouTube's own hosts (a thumbnail on i.ytimg.com) goes to the
    /// stand-in, keeping its path and query; on youtube.com itself, or for any other host, it stays as it is.
    /// </summary>
    public Uri Rewrite(Uri url) => IsYoutubeHost(url) && !IsYoutubeHost(Origin) ? Resolve(url.PathAndQuery) : url;

    private static bool IsYoutubeHost(Uri url) => OwnDomains.Any(d => IsUnder(url.Host, d));

    /// <summary>Whether a host is the domain itself or one of its subdomains.</summary>
    internal static bool IsUnder(string host, string domain) =>
        host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
}
