using System.Globalization;
using System.Text.Json;
using YtDownloader.Urls;

namespace YtDownloader.Sources.Youtube;

/// <summary>One video of a playlist or channel, as the listing shows it.</summary>
public sealed record PlaylistEntry(VideoId VideoId, string Title, TimeSpan? Duration, string? Thumbnail);

/// <summary>
/// Reads one InnerTube <c>/browse</c> answer of a playlist or a channel's Videos tab, first page or continuation,
/// into its entries, the token of the next page and (first page only) the list's title, owner and size.
/// All knowledge of the listing's JSON shape lives here.
/// </summary>
internal sealed class PlaylistResponse
{
    public string? Title { get; private init; }
    public string? Author { get; private init; }

    /// <summary>The size YouTube states ("150 videos"); channels state none.</summary>
    public int? VideoCount { get; private init; }

    public required IReadOnlyList<PlaylistEntry> Entries { get; init; }

    /// <summary>The token of the next page, or <see langword="null"/> on the last one.</summary>
    public string? Continuation { get; private init; }

    /// <summary>Parses an answer, throwing <see cref="PlaylistUnavailableException"/> for an ERROR alert (sent with HTTP 200).</summary>
    public static PlaylistResponse Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SourceFailedException("YouTube answered with something that is not a listing.");
        ThrowIfError(root);

        var items = ItemsOf(root)
            ?? throw new SourceFailedException("YouTube's listing has no video list in a shape this service knows.");
        var entries = new List<PlaylistEntry>();
        string? continuation = null;
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.GetPropertyOrNull("continuationItemRenderer") is { } next)
            {
                // Only the list's own last element is the next page: other continuation renderers in the answer
                // (a second section, engagement panels) load something else.
                if (i == items.Count - 1)
                    continuation = TokenOf(next);
                continue;
            }
            if (EntryOf(item) is { } entry)
                entries.Add(entry);
        }

        var playlist = root.GetPropertyOrNull("metadata")?.GetPropertyOrNull("playlistMetadataRenderer");
        var channel = root.GetPropertyOrNull("metadata")?.GetPropertyOrNull("channelMetadataRenderer");
        return new PlaylistResponse
        {
            Entries = entries,
            Continuation = continuation,
            Title = playlist?.GetStringOrNull("title") ?? channel?.GetStringOrNull("title"),
            Author = OwnerOf(root) ?? channel?.GetStringOrNull("title"),
            VideoCount = StatedCountOf(root),
        };
    }

    /// <summary>The <c>UC…</c> channel a <c>navigation/resolve_url</c> answer points at.</summary>
    public static string ChannelIdOfResolved(JsonElement root)
    {
        var browseId = root.GetPropertyOrNull("endpoint")?.GetPropertyOrNull("browseEndpoint")?.GetStringOrNull("browseId");
        return browseId is { Length: 24 } && browseId.StartsWith("UC", StringComparison.Ordinal)
            ? browseId
            : throw new PlaylistUnavailableException(ErrorCategory.NotFound, "YouTube knows no channel at this address.");
    }

    private static void ThrowIfError(JsonElement root)
    {
        if (root.GetPropertyOrNull("alerts") is not { ValueKind: JsonValueKind.Array } alerts)
            return;
        foreach (var alert in alerts.EnumerateArray())
        {
            var renderer = alert.GetPropertyOrNull("alertRenderer") ?? alert.GetPropertyOrNull("alertWithButtonRenderer");
            // INFO alerts ("Unavailable videos will be hidden during playback") come with good playlists.
            if (renderer is not { } r || r.GetStringOrNull("type") != "ERROR")
                continue;
            var text = r.GetPropertyOrNull("text")?.GetText() ?? "YouTube cannot show this playlist.";
            var category = text.Contains("does not exist", StringComparison.OrdinalIgnoreCase) ? ErrorCategory.NotFound : ErrorCategory.NotPlayable;
            throw new PlaylistUnavailableException(category, $"YouTube says: \u201c{text}\u201d Check the link, and that the playlist is public or unlisted.");
        }
    }

    private static List<JsonElement>? ItemsOf(JsonElement root)
    {
        if (root.GetPropertyOrNull("onResponseReceivedActions") is { ValueKind: JsonValueKind.Array } actions)
        {
            foreach (var action in actions.EnumerateArray())
            {
                var append = action.GetPropertyOrNull("appendContinuationItemsAction") ?? action.GetPropertyOrNull("reloadContinuationItemsCommand");
                if (append?.GetPropertyOrNull("continuationItems") is { ValueKind: JsonValueKind.Array } continued)
                    return continued.EnumerateArray().ToList();
            }
        }

        if (root.GetPropertyOrNull("contents")?.GetPropertyOrNull("twoColumnBrowseResultsRenderer")?.GetPropertyOrNull("tabs") is not { ValueKind: JsonValueKind.Array } tabs)
            return null;
        var tabList = tabs.EnumerateArray().Select(t => t.GetPropertyOrNull("tabRenderer")).OfType<JsonElement>().ToList();
        var tab = tabList.FirstOrDefault(t => t.GetBooleanOrNull("selected") == true);
        var content = (tab.ValueKind == JsonValueKind.Object ? tab : tabList.FirstOrDefault()).GetPropertyOrNull("content");

        // A channel's Videos tab.
        if (content?.GetPropertyOrNull("richGridRenderer")?.GetPropertyOrNull("contents") is { ValueKind: JsonValueKind.Array } grid)
            return grid.EnumerateArray().ToList();

        // A playlist: the playlistVideoListRenderer inside the first section that has one.
        if (content?.GetPropertyOrNull("sectionListRenderer")?.GetPropertyOrNull("contents") is not { ValueKind: JsonValueKind.Array } sections)
            return null;
        foreach (var section in sections.EnumerateArray())
        {
            if (section.GetPropertyOrNull("itemSectionRenderer")?.GetPropertyOrNull("contents") is not { ValueKind: JsonValueKind.Array } parts)
                continue;
            foreach (var part in parts.EnumerateArray())
            {
                if (part.GetPropertyOrNull("playlistVideoListRenderer")?.GetPropertyOrNull("contents") is { ValueKind: JsonValueKind.Array } videos)
                    return videos.EnumerateArray().ToList();
            }
        }
        return null;
    }

    private static string? TokenOf(JsonElement continuationItem)
    {
        var endpoint = continuationItem.GetPropertyOrNull("continuationEndpoint");
        if (endpoint?.GetPropertyOrNull("continuationCommand")?.GetStringOrNull("token") is { } token)
            return token;
        if (endpoint?.GetPropertyOrNull("commandExecutorCommand")?.GetPropertyOrNull("commands") is { ValueKind: JsonValueKind.Array } commands)
        {
            foreach (var command in commands.EnumerateArray())
            {
                if (command.GetPropertyOrNull("continuationCommand")?.GetStringOrNull("token") is { } nested)
                    return nested;
            }
        }
        return null;
    }

    private static PlaylistEntry? EntryOf(JsonElement item)
    {
        if (item.GetPropertyOrNull("playlistVideoRenderer") is { } video)
        {
            // Deleted and private videos stay in a playlist as unplayable entries: nothing to download.
            if (video.GetBooleanOrNull("isPlayable") == false || VideoId.TryParse(video.GetStringOrNull("videoId")) is not { } id)
                return null;
            var length = video.GetInt64OrNull("lengthSeconds");
            return new PlaylistEntry(
                id,
                video.GetPropertyOrNull("title")?.GetText() ?? id.Value,
                length is { } seconds ? TimeSpan.FromSeconds(seconds) : ParseClock(video.GetPropertyOrNull("lengthText")?.GetText()),
                LastUrl(video.GetPropertyOrNull("thumbnail")?.GetPropertyOrNull("thumbnails")));
        }

        var content = item.GetPropertyOrNull("richItemRenderer")?.GetPropertyOrNull("content");
        if (content?.GetPropertyOrNull("lockupViewModel") is { } lockup)
        {
            if (lockup.GetStringOrNull("contentType") != "LOCKUP_CONTENT_TYPE_VIDEO" || VideoId.TryParse(lockup.GetStringOrNull("contentId")) is not { } id)
                return null;
            var image = lockup.GetPropertyOrNull("contentImage")?.GetPropertyOrNull("thumbnailViewModel");
            return new PlaylistEntry(
                id,
                lockup.GetPropertyOrNull("metadata")?.GetPropertyOrNull("lockupMetadataViewModel")?.GetPropertyOrNull("title")?.GetStringOrNull("content") ?? id.Value,
                ParseClock(BadgeTextOf(image)),
                LastUrl(image?.GetPropertyOrNull("image")?.GetPropertyOrNull("sources")));
        }

        // Channel grids before the lockup view model (2023–2024).
        if (content?.GetPropertyOrNull("videoRenderer") is { } older && VideoId.TryParse(older.GetStringOrNull("videoId")) is { } olderId)
        {
            return new PlaylistEntry(
                olderId,
                older.GetPropertyOrNull("title")?.GetText() ?? olderId.Value,
                ParseClock(older.GetPropertyOrNull("lengthText")?.GetText()),
                LastUrl(older.GetPropertyOrNull("thumbnail")?.GetPropertyOrNull("thumbnails")));
        }
        return null;
    }

    private static string? BadgeTextOf(JsonElement? image)
    {
        if (image?.GetPropertyOrNull("overlays") is not { ValueKind: JsonValueKind.Array } overlays)
            return null;
        foreach (var overlay in overlays.EnumerateArray())
        {
            if (overlay.GetPropertyOrNull("thumbnailBottomOverlayViewModel")?.GetPropertyOrNull("badges") is not { ValueKind: JsonValueKind.Array } badges)
                continue;
            foreach (var badge in badges.EnumerateArray())
            {
                if (badge.GetPropertyOrNull("thumbnailBadgeViewModel")?.GetStringOrNull("text") is { } text)
                    return text;
            }
        }
        return null;
    }

    /// <summary>"1:07:34" or "4:13"; anything else ("LIVE", "SHORTS") is no duration.</summary>
    internal static TimeSpan? ParseClock(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var parts = text.Trim().Split(':');
        if (parts.Length > 3)
            return null;
        long seconds = 0;
        foreach (var part in parts)
        {
            if (part.Length is 0 or > 3 || !int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
                return null;
            seconds = seconds * 60 + value;
        }
        return TimeSpan.FromSeconds(seconds);
    }

    private static string? LastUrl(JsonElement? images) =>
        images is { ValueKind: JsonValueKind.Array } list && list.GetArrayLength() > 0 ? list[list.GetArrayLength() - 1].GetStringOrNull("url") : null;

    private static string? OwnerOf(JsonElement root)
    {
        if (root.GetPropertyOrNull("sidebar")?.GetPropertyOrNull("playlistSidebarRenderer")?.GetPropertyOrNull("items") is { ValueKind: JsonValueKind.Array } items)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.GetPropertyOrNull("playlistSidebarSecondaryInfoRenderer")?.GetPropertyOrNull("videoOwner")
                        ?.GetPropertyOrNull("videoOwnerRenderer")?.GetPropertyOrNull("title")?.GetText() is { Length: > 0 } owner)
                    return owner;
            }
        }
        return root.GetPropertyOrNull("header")?.GetPropertyOrNull("playlistHeaderRenderer")?.GetPropertyOrNull("ownerText")?.GetText();
    }

    private static int? StatedCountOf(JsonElement root)
    {
        string? stated = null;
        if (root.GetPropertyOrNull("sidebar")?.GetPropertyOrNull("playlistSidebarRenderer")?.GetPropertyOrNull("items") is { ValueKind: JsonValueKind.Array } items)
        {
            foreach (var item in items.EnumerateArray())
            {
                if (item.GetPropertyOrNull("playlistSidebarPrimaryInfoRenderer")?.GetPropertyOrNull("stats") is { ValueKind: JsonValueKind.Array } stats && stats.GetArrayLength() > 0)
                {
                    stated = stats[0].GetText();
                    break;
                }
            }
        }
        stated ??= root.GetPropertyOrNull("header")?.GetPropertyOrNull("playlistHeaderRenderer")?.GetPropertyOrNull("numVideosText")?.GetText();
        if (stated is null)
            return null;
        // "150 videos", "1,234 videos", "1 video".
        var digits = new string(stated.TakeWhile(c => char.IsAsciiDigit(c) || c is ',' or '.' or '\u00A0' or ' ').Where(char.IsAsciiDigit).ToArray());
        return int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;
    }
}
