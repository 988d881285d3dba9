using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>
/// The fake YouTube's listings: <c>/youtubei/v1/browse</c> (a playlist as <c>VL&lt;id&gt;</c>, a channel's Videos
/// tab, continuations) and <c>/youtubei/v1/navigation/resolve_url</c>, each the recorded answer with its entries
/// replaced by videos this origin serves, <see cref="BrowsePageSize"/> a page.
/// </summary>
public sealed partial class FakeOrigin
{
    private const string PlaylistCase = "2024-11_playlist-continuation_PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr";
    private const string ChannelCase = "2026-07_channel-videos_UCTwECeGqMZee77BjdoYtI2Q";
    private const string MissingCase = "2024-11_playlist-notavailable_PL11111111111111111111111111111111";

    /// <summary>Playlists by ID, each its video IDs in order (register the videos in <see cref="Youtube"/> to make them playable).</summary>
    public ConcurrentDictionary<string, IReadOnlyList<string>> Playlists { get; } = new();

    /// <summary>Channels by <c>UC…</c> ID, with their handle and video IDs.</summary>
    public ConcurrentDictionary<string, (string Handle, IReadOnlyList<string> Videos)> Channels { get; } = new();

    /// <summary>Entries per listing page; a longer list continues on the next page, through a continuation token.</summary>
    public int BrowsePageSize { get; set; } = 3;

    private void MapBrowse(IEndpointRouteBuilder app)
    {
        app.MapPost("/youtubei/v1/browse", BrowseAsync);
        app.MapPost("/youtubei/v1/navigation/resolve_url", ResolveUrlAsync);
    }

    private async Task<IResult> BrowseAsync(HttpRequest request)
    {
        var body = await JsonNode.ParseAsync(request.Body);
        if (body?["continuation"]?.GetValue<string>() is { } token)
        {
            // Our tokens: "<list id>:<offset>".
            var colon = token.LastIndexOf(':');
            var (listId, offset) = (token[..colon], int.Parse(token[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            return Json(ContinuationPage(listId, VideosOf(listId) ?? [], offset));
        }
        var browseId = body?["browseId"]?.GetValue<string>() ?? "";
        if (browseId.StartsWith("VL", StringComparison.Ordinal) && Playlists.TryGetValue(browseId[2..], out var videos))
            return Json(FirstPlaylistPage(browseId[2..], videos));
        if (Channels.TryGetValue(browseId, out var channel) && body?["params"]?.GetValue<string>() == "EgZ2aWRlb3PyBgQKAjoA")
            return Json(FirstChannelPage(browseId, channel.Handle, channel.Videos));
        return Json(Recorded(MissingCase, "browse.json"));
    }

    private async Task<IResult> ResolveUrlAsync(HttpRequest request)
    {
        var url = (await JsonNode.ParseAsync(request.Body))?["url"]?.GetValue<string>() ?? "";
        var channel = Channels.FirstOrDefault(c => url.EndsWith("/" + c.Value.Handle, StringComparison.OrdinalIgnoreCase));
        if (channel.Key is null)
            return Results.Json(new { error = new { code = 404, message = "Requested entity was not found.", status = "NOT_FOUND" } }, statusCode: 404);
        var answer = Recorded(ChannelCase, "resolve_url.json");
        answer["endpoint"]!["browseEndpoint"]!["browseId"] = channel.Key;
        return Json(answer);
    }

    private IReadOnlyList<string>? VideosOf(string listId) =>
        Playlists.TryGetValue(listId, out var videos) ? videos : Channels.TryGetValue(listId, out var channel) ? channel.Videos : null;

    private JsonNode FirstPlaylistPage(string playlistId, IReadOnlyList<string> videos)
    {
        var page = Recorded(PlaylistCase, "browse.json");
        page["metadata"]!["playlistMetadataRenderer"]!["title"] = $"Test playlist {playlistId}";
        page["sidebar"]!["playlistSidebarRenderer"]!["items"]![0]!["playlistSidebarPrimaryInfoRenderer"]!["stats"]![0] =
            JsonNode.Parse($$"""{"runs":[{"text":"{{videos.Count}}"},{"text":" videos"}]}""");
        var list = page["contents"]!["twoColumnBrowseResultsRenderer"]!["tabs"]![0]!["tabRenderer"]!["content"]!["sectionListRenderer"]!
            ["contents"]![0]!["itemSectionRenderer"]!["contents"]![0]!["playlistVideoListRenderer"]!;
        list["contents"] = Entries(list["contents"]!.AsArray(), playlistId, videos, 0, PlaylistEntry);
        return page;
    }

    private JsonNode FirstChannelPage(string channelId, string handle, IReadOnlyList<string> videos)
    {
        var page = Recorded(ChannelCase, "browse.json");
        page["metadata"]!["channelMetadataRenderer"]!["title"] = $"Test channel {handle}";
        var tab = page["contents"]!["twoColumnBrowseResultsRenderer"]!["tabs"]!.AsArray().First(t => t?["tabRenderer"]?["selected"]?.GetValue<bool>() == true)!;
        var grid = tab["tabRenderer"]!["content"]!["richGridRenderer"]!;
        grid["contents"] = Entries(grid["contents"]!.AsArray(), channelId, videos, 0, LockupEntry);
        return page;
    }

    private JsonNode ContinuationPage(string listId, IReadOnlyList<string> videos, int offset)
    {
        var channel = Channels.ContainsKey(listId);
        var page = Recorded(channel ? ChannelCase : PlaylistCase, "browse-continuation.json");
        var action = page["onResponseReceivedActions"]![0]!["appendContinuationItemsAction"]!;
        action["continuationItems"] = Entries(action["continuationItems"]!.AsArray(), listId, videos, offset, channel ? LockupEntry : PlaylistEntry);
        return page;
    }

    /// <summary>One page of entries, each a recorded entry with our video in it, and a continuation at the end when more follow.</summary>
    private JsonArray Entries(JsonArray recorded, string listId, IReadOnlyList<string> videos, int offset, Func<JsonNode, string, int, JsonNode> entry)
    {
        var template = recorded.First(e => e?["continuationItemRenderer"] is null)!;
        var continuation = Recorded(PlaylistCase, "browse.json")["contents"]!["twoColumnBrowseResultsRenderer"]!["tabs"]![0]!["tabRenderer"]!
            ["content"]!["sectionListRenderer"]!["contents"]![0]!["itemSectionRenderer"]!["contents"]![0]!["playlistVideoListRenderer"]!["contents"]!.AsArray()[^1]!.DeepClone();
        var page = new JsonArray(videos.Skip(offset).Take(BrowsePageSize).Select((id, i) => entry(template.DeepClone(), id, offset + i)).ToArray());
        if (offset + BrowsePageSize < videos.Count)
        {
            continuation["continuationItemRenderer"]!["continuationEndpoint"]!["continuationCommand"]!["token"] = $"{listId}:{offset + BrowsePageSize}";
            page.Add(continuation);
        }
        return page;
    }

    private static JsonNode PlaylistEntry(JsonNode entry, string videoId, int index)
    {
        var video = entry["playlistVideoRenderer"]!;
        video["videoId"] = videoId;
        video["title"] = JsonNode.Parse($$"""{"runs":[{"text":"Listed video {{videoId}}"}]}""");
        video["index"] = JsonNode.Parse($$"""{"simpleText":"{{index + 1}}"}""");
        video["lengthSeconds"] = ((int)TestMedia.DurationSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        video["thumbnail"] = JsonNode.Parse($$"""{"thumbnails":[{"url":"https://i.ytimg.com/vi/{{videoId}}/hqdefault.jpg","width":480,"height":360}]}""");
        return entry;
    }

    private static JsonNode LockupEntry(JsonNode entry, string videoId, int index)
    {
        var lockup = entry["richItemRenderer"]!["content"]!["lockupViewModel"]!;
        lockup["contentId"] = videoId;
        lockup["metadata"]!["lockupMetadataViewModel"]!["title"]!["content"] = $"Listed video {videoId}";
        lockup["contentImage"]!["thumbnailViewModel"]!["image"] = JsonNode.Parse($$"""{"sources":[{"url":"https://i.ytimg.com/vi/{{videoId}}/hqdefault.jpg","width":480,"height":360}]}""");
        return entry;
    }
}
