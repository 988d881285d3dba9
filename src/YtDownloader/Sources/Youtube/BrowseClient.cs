using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>A playlist or channel with the videos listed, up to a limit.</summary>
/// <param name="PlaylistId">The playlist ID, or the channel's <c>UC…</c> ID.</param>
/// <param name="VideoCount">The size YouTube states, else the number of videos listed.</param>
/// <param name="Truncated">Whether more videos exist than were listed.</param>
public sealed record PlaylistListing(string PlaylistId, string Title, string Author, int VideoCount, IReadOnlyList<PlaylistEntry> Videos, bool Truncated);

/// <summary>
/// Lists playlists and channels through InnerTube's <c>browse</c> (and <c>navigation/resolve_url</c> for a handle
/// or name) as the WEB client, whose answers hold the listing, following <c>continuation</c> tokens page by page.
/// </summary>
public sealed class BrowseClient
{
    /// <summary>The channel page's Videos tab; <c>resolve_url</c> answers the Home tab's params instead.</summary>
    internal const string VideosTabParams = "EgZ2aWRlb3PyBgQKAjoA";

    private const string ClientName = "WEB";
    private const string ClientVersion = "2.20260519.10.00";
    private const string ClientNameId = "1";
    private const string UserAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36";

    private readonly HttpClient _http;
    private readonly YoutubeOrigin _origin;

    internal BrowseClient(HttpClient http, YoutubeOrigin origin)
    {
        _http = http;
        _origin = origin;
    }

    /// <summary>Lists a playlist or channel, following continuations until <paramref name="maxVideos"/> are listed.</summary>
    public async Task<PlaylistListing> ListAsync(ListLink list, int maxVideos, CancellationToken cancellationToken)
    {
        if (list.Unlistable is { } why)
            throw new PlaylistUnavailableException(ErrorCategory.NotPlayable, why);

        var (listId, browse) = list.IsChannel
            ? await ChannelBrowseAsync(list, cancellationToken)
            : (list.Id, new JsonObject { ["browseId"] = "VL" + list.Id });
        var first = PlaylistResponse.Parse(await PostAsync("browse", browse, cancellationToken));

        var videos = new List<PlaylistEntry>();
        var seen = new HashSet<VideoId>();
        var page = first;
        while (true)
        {
            // A video listed twice is one video to download.
            videos.AddRange(page.Entries.Where(e => seen.Add(e.VideoId)));
            // A page that adds nothing would make a loop of a broken continuation.
            if (page.Continuation is not { } token || videos.Count >= maxVideos || page.Entries.Count == 0)
                break;
            page = PlaylistResponse.Parse(await PostAsync("browse", new JsonObject { ["continuation"] = token }, cancellationToken));
        }

        var truncated = videos.Count > maxVideos || page.Continuation is not null && page.Entries.Count > 0;
        var listed = videos.Take(maxVideos).ToList();
        return new PlaylistListing(
            listId,
            first.Title ?? listId,
            first.Author ?? "",
            first.VideoCount ?? (truncated ? maxVideos : listed.Count),
            listed,
            truncated);
    }

    private async Task<(string ChannelId, JsonObject Browse)> ChannelBrowseAsync(ListLink list, CancellationToken cancellationToken)
    {
        var channelId = list.Kind == ListKind.ChannelId
            ? list.Id
            : PlaylistResponse.ChannelIdOfResolved(await PostAsync("navigation/resolve_url", new JsonObject { ["url"] = list.CanonicalUrl }, cancellationToken));
        return (channelId, new JsonObject { ["browseId"] = channelId, ["params"] = VideosTabParams });
    }

    private async Task<JsonElement> PostAsync(string endpoint, JsonObject body, CancellationToken cancellationToken)
    {
        body["context"] = new JsonObject
        {
            ["client"] = new JsonObject
            {
                ["clientName"] = ClientName,
                ["clientVersion"] = ClientVersion,
                ["hl"] = "en",
                ["gl"] = "US",
                ["utcOffsetMinutes"] = 0,
            },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, _origin.Resolve($"/youtubei/v1/{endpoint}?prettyPrint=false"))
        {
            Content = JsonContent.Create(body, YoutubeJson.Default.JsonObject),
        };
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Headers.Add("X-YouTube-Client-Name", ClientNameId);
        request.Headers.Add("X-YouTube-Client-Version", ClientVersion);
        request.Headers.Add("Origin", _origin.Origin.GetLeftPart(UriPartial.Authority));
        // The consent cookie every logged-out visitor in the EU gets: without it, some regions answer a consent page.
        request.Headers.Add("Cookie", "SOCS=CAE=");

        return await SourceCalls.RunAsync("YouTube", async () =>
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
                throw new PlaylistUnavailableException(ErrorCategory.NotFound, "YouTube knows no playlist or channel at this address: check the link.");
            if (!response.IsSuccessStatusCode)
                throw new SourceFailedException($"YouTube answered HTTP {(int)response.StatusCode} to the listing request.");
            await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
            using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
            return document.RootElement.Clone();
        }, cancellationToken);
    }
}
