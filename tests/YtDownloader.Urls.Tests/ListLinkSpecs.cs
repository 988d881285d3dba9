using YtDownloader.Urls;

namespace YtDownloader.Urls.Tests;

public sealed class ListLinkSpecs
{
    private const string Top150 = "PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr";

    [Theory]
    // playlists
    [InlineData("https://www.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr&si=abc", ListKind.Playlist, Top150)]
    [InlineData("https://m.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("youtube.com/PLAYLIST?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://music.youtube.com/playlist?list=OLAK5uy_kQYz7DvS4n0qUJb8ARH3dDKWsFyXbfeO0", ListKind.Playlist, "OLAK5uy_kQYz7DvS4n0qUJb8ARH3dDKWsFyXbfeO0")]
    [InlineData("https://music.youtube.com/playlist?list=RDCLAK5uy_kmPRjHDECIcuVwnKsx2Ng7fyNgFKWNJFs", ListKind.Playlist, "RDCLAK5uy_kmPRjHDECIcuVwnKsx2Ng7fyNgFKWNJFs")]
    [InlineData("https://www.youtube.com/playlist?list=UUTwECeGqMZee77BjdoYtI2Q", ListKind.Playlist, "UUTwECeGqMZee77BjdoYtI2Q")]
    [InlineData("https://www.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL%5Fnr", ListKind.Playlist, Top150)]
    [InlineData("https://www.youtube.com/watch?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://www.youtube.com/watch?v=kPa7bsKwL-c&list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr&index=1", ListKind.Playlist, Top150)]
    [InlineData("https://youtu.be/kPa7bsKwL-c?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://www.youtube.com/embed/videoseries?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://www.youtube-nocookie.com/embed/videoseries?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    [InlineData("https://www.youtube.com/embed/kPa7bsKwL-c?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", ListKind.Playlist, Top150)]
    // mixes: recognised, not listable
    [InlineData("https://www.youtube.com/watch?v=FAqYW76GLPA&list=RDFAqYW76GLPA", ListKind.Mix, "RDFAqYW76GLPA")]
    [InlineData("https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVMdQw4w9WgXcQ", ListKind.Mix, "RDAMVMdQw4w9WgXcQ")]
    // channels
    [InlineData("https://www.youtube.com/@creativecommons", ListKind.ChannelHandle, "@creativecommons")]
    [InlineData("https://www.youtube.com/@creativecommons/videos", ListKind.ChannelHandle, "@creativecommons")]
    [InlineData("youtube.com/@creativecommons/featured?si=x", ListKind.ChannelHandle, "@creativecommons")]
    [InlineData("https://m.youtube.com/@Creative.Commons_-1/", ListKind.ChannelHandle, "@Creative.Commons_-1")]
    [InlineData("https://www.youtube.com/@%E3%81%8B%E3%81%AA%E3%81%8B%E3%81%AA", ListKind.ChannelHandle, "@かなかな")]
    [InlineData("https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q", ListKind.ChannelId, "UCTwECeGqMZee77BjdoYtI2Q")]
    [InlineData("https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q/videos", ListKind.ChannelId, "UCTwECeGqMZee77BjdoYtI2Q")]
    [InlineData("https://music.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q", ListKind.ChannelId, "UCTwECeGqMZee77BjdoYtI2Q")]
    [InlineData("https://www.youtube.com/c/CreativeCommons", ListKind.ChannelCustomUrl, "CreativeCommons")]
    [InlineData("https://www.youtube.com/C/CreativeCommons/Videos", ListKind.ChannelCustomUrl, "CreativeCommons")]
    [InlineData("https://www.youtube.com/user/creativecommons", ListKind.ChannelUser, "creativecommons")]
    [InlineData("http://youtube.com/user/creativecommons/videos", ListKind.ChannelUser, "creativecommons")]
    public void I_can_read_a_playlist_or_channel_from_a_link(string input, ListKind kind, string id)
    {
        var (list, error) = YoutubeLink.InspectList(input);

        error.ShouldBeNull();
        list.ShouldNotBeNull();
        list.Kind.ShouldBe(kind);
        list.Id.ShouldBe(id);
        list.IsListable.ShouldBe(kind != ListKind.Mix);
        YoutubeLink.Inspect(input).List.ShouldBe(list);
    }

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=FAqYW76GLPA&list=RDFAqYW76GLPA", "mix")]
    [InlineData("https://www.youtube.com/playlist?list=WL", "Watch later and liked videos are private")]
    [InlineData("https://www.youtube.com/playlist?list=LL", "Watch later and liked videos are private")]
    public void A_list_that_cannot_be_listed_says_why(string input, string reason)
    {
        var list = YoutubeLink.InspectList(input).List.ShouldNotBeNull();

        list.IsListable.ShouldBeFalse();
        list.Unlistable.ShouldNotBeNull().ShouldContain(reason);
    }

    [Theory]
    [InlineData("https://www.youtube.com/watch?v=kPa7bsKwL-c&list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "kPa7bsKwL-c", Top150)]
    [InlineData("https://youtu.be/kPa7bsKwL-c?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr&si=x", "kPa7bsKwL-c", Top150)]
    [InlineData("https://www.youtube.com/watch?v=FAqYW76GLPA&list=RDFAqYW76GLPA", "FAqYW76GLPA", "RDFAqYW76GLPA")]
    public void A_link_with_a_video_and_a_list_is_both(string input, string videoId, string listId)
    {
        var link = YoutubeLink.Inspect(input);

        link.IsBoth.ShouldBeTrue();
        link.Error.ShouldBeNull();
        link.Video.ShouldNotBeNull().Value.ShouldBe(videoId);
        link.List.ShouldNotBeNull().Id.ShouldBe(listId);
    }

    [Theory]
    [InlineData("https://youtu.be/dQw4w9WgXcQ")]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s")]
    [InlineData("dQw4w9WgXcQ")]
    public void A_video_link_names_no_list(string input)
    {
        var link = YoutubeLink.Inspect(input);

        link.Video.ShouldNotBeNull();
        link.List.ShouldBeNull();
        link.IsBoth.ShouldBeFalse();
        YoutubeLink.InspectList(input).Error.ShouldNotBeNull().ShouldContain("not a playlist or a channel");
    }

    [Theory]
    [InlineData(null, "empty")]
    [InlineData("   ", "empty")]
    [InlineData("https://www.youtube.com/playlist", "has no list ID")]
    [InlineData("https://www.youtube.com/playlist?list=", "has no list ID")]
    [InlineData("https://www.youtube.com/embed/videoseries", "has no list ID")]
    [InlineData("https://www.youtube.com/playlist?list=P", "not one YouTube uses")]
    [InlineData("https://www.youtube.com/playlist?list=PL<script>", "not one YouTube uses")]
    [InlineData("https://www.youtube.com/channel/UCshort", "UC followed by 22 characters")]
    [InlineData("https://www.youtube.com/channel/XXTwECeGqMZee77BjdoYtI2Q", "UC followed by 22 characters")]
    [InlineData("https://www.youtube.com/channel/", "no channel name or ID")]
    [InlineData("https://www.youtube.com/user", "no channel name or ID")]
    [InlineData("https://www.youtube.com/@ab", "too short or too long")]
    [InlineData("https://www.youtube.com/@bad!handle", "characters YouTube never uses")]
    [InlineData("https://www.youtube.com/@creativecommons/shorts", "Only a channel's videos")]
    [InlineData("https://www.youtube.com/@creativecommons/playlists", "Only a channel's videos")]
    [InlineData("https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q/videos/extra", "Only a channel's videos")]
    [InlineData("https://www.youtube.com/feed/trending", "does not point to a single video")]
    [InlineData("https://youtube.com.evil.example/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "Only YouTube links")]
    [InlineData("https://evilyoutube.com/@creativecommons", "Only YouTube links")]
    [InlineData("https://youtube.com@evil.example/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "Only YouTube links")]
    [InlineData("https://evil.example/youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "Only YouTube links")]
    [InlineData("javascript:alert('youtube.com/playlist?list=PL1')", "http:// or https://")]
    [InlineData("https://youtube.googleapis.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "does not point to a single video")]
    public void I_get_a_reason_when_a_link_is_neither_a_video_nor_a_list(string? input, string reason)
    {
        var link = YoutubeLink.Inspect(input);

        link.Video.ShouldBeNull();
        link.List.ShouldBeNull();
        link.Error.ShouldNotBeNull().ShouldContain(reason);
    }

    [Theory]
    [InlineData("https://www.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr", "https://www.youtube.com/playlist?list=PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr")]
    [InlineData("https://m.youtube.com/@creativecommons/videos", "https://www.youtube.com/@creativecommons")]
    [InlineData("https://www.youtube.com/@%E3%81%8B%E3%81%AA%E3%81%8B%E3%81%AA", "https://www.youtube.com/@%E3%81%8B%E3%81%AA%E3%81%8B%E3%81%AA")]
    [InlineData("youtube.com/c/CreativeCommons", "https://www.youtube.com/c/CreativeCommons")]
    [InlineData("youtube.com/user/creativecommons/videos", "https://www.youtube.com/user/creativecommons")]
    [InlineData("youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q", "https://www.youtube.com/channel/UCTwECeGqMZee77BjdoYtI2Q")]
    public void A_list_has_the_canonical_address_youtube_resolves(string input, string expected) =>
        YoutubeLink.InspectList(input).List.ShouldNotBeNull().CanonicalUrl.ShouldBe(expected);
}
