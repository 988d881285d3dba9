using Microsoft.Extensions.Options;

namespace YtDownloader.Sources.Youtube.Clients;

/// <summary>
/// Which clients are asked for a video, in which order: <c>Youtube:Clients</c> when set, else the order the best
/// extractor (yt-dlp) uses today. Logged out: VISIONOS (direct URLs, no JavaScript, no token), then the embedded web
/// player (embeddable videos only) and the TV app as fallbacks. Signed in (cookies): the embedded player, the
/// downgraded TV app, web. The web client only with a PO token provider, whose tokens its streams need.
/// </summary>
internal sealed class ClientOrder
{
    private static readonly string[] LoggedOut = ["visionos", "web_embedded", "tv"];
    private static readonly string[] SignedIn = ["web_embedded", "tv_downgraded"];
    private const string Web = "web";

    public ClientOrder(IOptions<YoutubeOptions> options, ClientProfileSet profiles)
    {
        var youtube = options.Value;
        Clients = Resolve(youtube, profiles);
        // Asked, without a token, only when every other client has failed: does the video play for the web client?
        PoTokenProbe = youtube.PoTokenProvider is null && profiles.Profiles.TryGetValue(Web, out var web) && web.NeedsPoToken
            && !Clients.Contains(web) ? web : null;
    }

    public IReadOnlyList<ClientProfile> Clients { get; }

    /// <summary>A client left out because it needs a PO token and none can be had; asked to tell whether a token would help.</summary>
    public ClientProfile? PoTokenProbe { get; }

    /// <exception cref="ClientProfileException">A name in <c>Youtube:Clients</c> is unknown, or needs a token no provider gives.</exception>
    public static IReadOnlyList<ClientProfile> Resolve(YoutubeOptions options, ClientProfileSet profiles)
    {
        if (options.Clients.Count == 0)
        {
            var names = string.IsNullOrWhiteSpace(options.CookiesFile) ? LoggedOut : SignedIn;
            IEnumerable<string> order = options.PoTokenProvider is null ? names : [.. names, Web];
            // A profile file may not remove built-ins, so these exist; Where only keeps the order honest if one day it can.
            return order.Where(profiles.Profiles.ContainsKey).Select(n => profiles[n]).ToList();
        }

        var result = new List<ClientProfile>();
        foreach (var name in options.Clients)
        {
            if (!profiles.Profiles.TryGetValue(name, out var profile))
                throw new ClientProfileException(
                    $"Youtube:Clients names \"{name}\", which is no known client profile. Known: {string.Join(", ", profiles.Profiles.Keys.Order(StringComparer.Ordinal))}; add new ones with Youtube:ClientProfiles.");
            if (profile.NeedsPoToken && options.PoTokenProvider is null)
                throw new ClientProfileException(
                    $"Youtube:Clients names \"{name}\", whose streams are refused without a PO token: configure Youtube:PoTokenProvider, or leave it out.");
            result.Add(profile);
        }
        return result;
    }
}
