using static YtDownloader.Urls.YoutubeUrlParser;

namespace YtDownloader.Urls;

/// <summary>
/// Knows which URL shapes name a playlist or a channel. Same rules as <see cref="YoutubeUrlParser"/> (same hosts,
/// span parsing, a reason for every rejection); path keywords are case-insensitive, IDs and handles are not changed.
/// </summary>
internal static class YoutubeListParser
{
    /// <summary>Playlist IDs seen in the wild run from 2 (<c>WL</c>) to about 50 characters; longer is not an ID.</summary>
    private const int MaxListIdLength = 64;

    /// <summary><c>UC</c> and 22 more characters.</summary>
    private const int ChannelIdLength = 24;

    /// <param name="input">What the user pasted.</param>
    /// <returns>
    /// The list, or the reason there is none; <c>ListShaped</c> tells whether the link looked like a list at all
    /// (so that a broken playlist link is explained as such, and a video link by the video parser).
    /// </returns>
    internal static (ListLink? List, string? Error, bool ListShaped) Extract(string? input)
    {
        var text = input is null ? [] : input.AsSpan().Trim();
        if (text.IsEmpty)
        {
            return Fail(Reasons.Empty, listShaped: false);
        }

        if (text.Length > MaxLength)
        {
            return Fail(Reasons.TooLong, listShaped: false);
        }

        if (text.IndexOfAny("/.:?#&=@\\") < 0)
        {
            return Fail(ListReasons.NotAList, listShaped: false); // a bare video ID
        }

        if (Locate(text, out var kind, out var path, out var query) is { } error)
        {
            return Fail(error, listShaped: false);
        }

        // https://youtu.be/dQw4w9WgXcQ?list=PL… (a video shared from a playlist)
        if (kind == HostKind.ShortLink)
        {
            return TryGetQueryValue(query, "list", out var shared) ? Playlist(shared) : Fail(ListReasons.NotAList, listShaped: false);
        }

        return kind == HostKind.YouTube ? ParseYouTubePath(path, query) : Fail(ListReasons.NotAList, listShaped: false);
    }

    private static (ListLink? List, string? Error, bool ListShaped) ParseYouTubePath(ReadOnlySpan<char> path, ReadOnlySpan<char> query)
    {
        var count = Segments(path, out var first, out var second);
        if (count == 0)
        {
            return Fail(ListReasons.NotAList, listShaped: false);
        }

        // https://www.youtube.com/@creativecommons, /@creativecommons/videos
        if (first[0] == '@')
        {
            return Channel(ListKind.ChannelHandle, first, count, second);
        }

        // https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q, /c/Name, /user/creativecommons
        if (count >= 2 && (Is(first, "channel") || Is(first, "c") || Is(first, "user")))
        {
            var all = CountAndThirdSegment(path, out var tab);
            var channelKind = Is(first, "channel") ? ListKind.ChannelId : Is(first, "c") ? ListKind.ChannelCustomUrl : ListKind.ChannelUser;
            return Channel(channelKind, second, all - 1, tab);
        }

        if (Is(first, "channel") || Is(first, "c") || Is(first, "user"))
        {
            return Fail(ListReasons.MissingChannel, listShaped: true); // https://www.youtube.com/channel/
        }

        // https://www.youtube.com/playlist?list=PL…, https://music.youtube.com/playlist?list=OLAK5uy_…
        // https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PL…, https://www.youtube.com/embed/videoseries?list=PL…
        var listPage = count == 1 && (Is(first, "playlist") || Is(first, "watch"))
            || count == 2 && Is(first, "embed");
        if (listPage && TryGetQueryValue(query, "list", out var list))
        {
            return Playlist(list);
        }

        if (count == 1 && Is(first, "playlist") || count == 2 && Is(first, "embed") && Is(second, "videoseries"))
        {
            return Fail(ListReasons.MissingList, listShaped: true);
        }

        return Fail(ListReasons.NotAList, listShaped: false);
    }

    private static (ListLink? List, string? Error, bool ListShaped) Playlist(ReadOnlySpan<char> raw)
    {
        var id = raw.Contains('%') ? Decode(raw).AsSpan() : raw;
        if (id.IsEmpty)
        {
            return Fail(ListReasons.MissingList, listShaped: true);
        }

        if (id.Length < 2 || id.Length > MaxListIdLength || !AllIdChars(id))
        {
            return Fail(ListReasons.BadListId, listShaped: true);
        }

        // RDCLAK5uy_… are YouTube Music's curated playlists despite the prefix: real, fixed lists.
        if (id.StartsWith("RD") && !id.StartsWith("RDCLAK5uy_"))
        {
            return (new ListLink(ListKind.Mix, id.ToString(), ListReasons.Mix), null, true);
        }

        // Watch later, Liked videos, Liked music: private to the signed-in account.
        if (id.SequenceEqual("WL") || id.SequenceEqual("LL") || id.SequenceEqual("LM"))
        {
            return (new ListLink(ListKind.Playlist, id.ToString(), ListReasons.Personal), null, true);
        }

        return (new ListLink(ListKind.Playlist, id.ToString(), null), null, true);
    }

    // segments: path segments from the channel's name on (1 for the channel itself, 2 with a tab).
    private static (ListLink? List, string? Error, bool ListShaped) Channel(
        ListKind kind, ReadOnlySpan<char> rawName, int segments, ReadOnlySpan<char> tab)
    {
        // A tab other than the videos (or the home page, which lists them too) names something else.
        if (segments > 2 || segments == 2 && !Is(tab, "videos") && !Is(tab, "featured"))
        {
            return Fail(ListReasons.OtherTab, listShaped: true);
        }

        var name = rawName.Contains('%') ? Decode(rawName).AsSpan() : rawName;
        var valid = kind switch
        {
            ListKind.ChannelId => name.Length == ChannelIdLength && name.StartsWith("UC") && AllIdChars(name),
            // @name: 3 to 30 letters (any script), digits, '.', '_' or '-'.
            ListKind.ChannelHandle => name.Length is >= 4 and <= 31 && IsHandle(name[1..]),
            _ => name.Length is >= 1 and <= 100 && IsHandle(name),
        };
        if (!valid)
        {
            return Fail(kind == ListKind.ChannelId ? ListReasons.BadChannelId : ListReasons.BadChannelName, listShaped: true);
        }

        return (new ListLink(kind, name.ToString(), null), null, true);
    }

    /// <summary>Every non-empty path segment counted (<see cref="Segments"/> stops at 3), and the third.</summary>
    private static int CountAndThirdSegment(ReadOnlySpan<char> path, out ReadOnlySpan<char> third)
    {
        var count = 0;
        third = [];
        foreach (var range in path.Split('/'))
        {
            if (path[range].IsEmpty)
            {
                continue;
            }

            if (count++ == 2)
            {
                third = path[range];
            }
        }

        return count;
    }

    private static bool AllIdChars(ReadOnlySpan<char> id)
    {
        foreach (var c in id)
        {
            if (!IsIdChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsHandle(ReadOnlySpan<char> name)
    {
        foreach (var c in name)
        {
            if (!char.IsLetterOrDigit(c) && c != '.' && c != '_' && c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static (ListLink? List, string? Error, bool ListShaped) Fail(string reason, bool listShaped) => (null, reason, listShaped);

    /// <summary>Every rejection reason of a list link, worded so a person knows what to do next.</summary>
    internal static class ListReasons
    {
        internal const string NotAList = "This link is not a playlist or a channel.";
        internal const string MissingList = "The playlist link has no list ID (list=…): copy the link from the playlist's page.";
        internal const string BadListId = "The playlist ID is not one YouTube uses (2 to 64 of A–Z, a–z, 0–9, - and _).";
        internal const string MissingChannel = "The channel link has no channel name or ID: copy the link from the channel's page.";
        internal const string BadChannelId = "A channel ID is UC followed by 22 characters of A–Z, a–z, 0–9, - and _.";
        internal const string BadChannelName = "The channel's handle or name contains characters YouTube never uses, or is too short or too long.";
        internal const string OtherTab = "Only a channel's videos can be listed: link to the channel itself or its Videos tab.";
        internal const string Mix =
            "This is a mix: YouTube makes it up for each viewer and it never ends, so it cannot be listed. Open the video itself, or save the videos to a playlist.";
        internal const string Personal =
            "Watch later and liked videos are private to your account, so the service cannot list them: copy them into a public or unlisted playlist.";
    }
}
