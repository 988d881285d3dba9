namespace YtDownloader.Urls;

/// <summary>What kind of video list a link names.</summary>
public enum ListKind
{
    /// <summary>A playlist by its ID (<c>PL…</c>, <c>OLAK5uy_…</c>, <c>UU…</c>), listed through <c>browse VL&lt;id&gt;</c>.</summary>
    Playlist,

    /// <summary>A mix (<c>RD…</c>): made up for each viewer and endless, so it cannot be listed.</summary>
    Mix,

    /// <summary>A channel by its <c>UC…</c> ID.</summary>
    ChannelId,

    /// <summary>A channel by its handle (<c>@name</c>), which YouTube resolves to a <c>UC…</c> ID.</summary>
    ChannelHandle,

    /// <summary>A channel by its old custom URL (<c>/c/Name</c>), which YouTube resolves to a <c>UC…</c> ID.</summary>
    ChannelCustomUrl,

    /// <summary>A channel by its legacy user name (<c>/user/Name</c>), which YouTube resolves to a <c>UC…</c> ID.</summary>
    ChannelUser,
}

/// <summary>A playlist or a channel, as a link names it.</summary>
/// <param name="Kind">What the link names.</param>
/// <param name="Id">The playlist ID, the <c>UC…</c> ID, the handle with its <c>@</c>, or the custom or user name.</param>
/// <param name="Unlistable">Why the list cannot be listed (a mix, a private list), or <see langword="null"/> when it can.</param>
public sealed record ListLink(ListKind Kind, string Id, string? Unlistable)
{
    /// <summary>Whether the link names a channel rather than a playlist.</summary>
    public bool IsChannel => Kind is ListKind.ChannelId or ListKind.ChannelHandle or ListKind.ChannelCustomUrl or ListKind.ChannelUser;

    /// <summary>Whether the videos can be listed.</summary>
    public bool IsListable => Unlistable is null;

    /// <summary>The list's own page on youtube.com: what YouTube resolves a handle or a name from.</summary>
    public string CanonicalUrl => Kind switch
    {
        ListKind.ChannelId => "https://www.youtube.com/channel/" + Id,
        ListKind.ChannelHandle => "https://www.youtube.com/" + Uri.EscapeDataString(Id).Replace("%40", "@", StringComparison.Ordinal),
        ListKind.ChannelCustomUrl => "https://www.youtube.com/c/" + Uri.EscapeDataString(Id),
        ListKind.ChannelUser => "https://www.youtube.com/user/" + Uri.EscapeDataString(Id),
        _ => "https://www.youtube.com/playlist?list=" + Id,
    };
}

/// <summary>
/// What a link is: a video, a list (playlist or channel), or both (<c>watch?v=…&amp;list=…</c>, where the user
/// chooses), or neither, with the reason.
/// </summary>
/// <param name="Video">The video the link names, if any.</param>
/// <param name="List">The playlist or channel the link names, if any.</param>
/// <param name="Error">Why the link names neither a video nor a list, or <see langword="null"/> when it names one.</param>
public sealed record LinkInspection(VideoId? Video, ListLink? List, string? Error)
{
    /// <summary>Whether the link names a video and a list at once.</summary>
    public bool IsBoth => Video is not null && List is not null;
}

/// <summary>Reads a YouTube link as a video, a playlist or channel, or both.</summary>
public static class YoutubeLink
{
    /// <summary>Inspects what the user pasted.</summary>
    /// <param name="input">A link or a bare video ID; surrounding whitespace is ignored.</param>
    /// <returns>The video, the list, both, or the reason for neither.</returns>
    public static LinkInspection Inspect(string? input)
    {
        var video = VideoId.Inspect(input);
        var (list, listError, listShaped) = YoutubeListParser.Extract(input);
        if (video.Id is null && list is null)
        {
            // A channel or playlist link says best what is wrong with it; anything else, the video parser.
            return new LinkInspection(null, null, listShaped ? listError : video.Error);
        }

        return new LinkInspection(video.Id, list, null);
    }

    /// <summary>Extracts a playlist or channel from a link, or explains why it names none.</summary>
    /// <param name="input">A link; surrounding whitespace is ignored.</param>
    /// <returns>The list, or <see langword="null"/> and the reason.</returns>
    public static (ListLink? List, string? Error) InspectList(string? input)
    {
        var (list, error, _) = YoutubeListParser.Extract(input);
        return (list, error);
    }
}
