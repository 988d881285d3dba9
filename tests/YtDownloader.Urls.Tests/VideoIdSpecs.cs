using YtDownloader.Urls;

namespace YtDownloader.Urls.Tests;

public sealed class VideoIdSpecs
{
    private const string Rick = "dQw4w9WgXcQ";

    [Theory]
    // bare IDs
    [InlineData("dQw4w9WgXcQ", Rick)]
    [InlineData("  dQw4w9WgXcQ \n", Rick)]
    [InlineData("a-b_c-D_E09", "a-b_c-D_E09")]
    [InlineData("___________", "___________")]
    // watch?v=
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("http://www.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://m.youtube.com/watch?v=dQw4w9WgXcQ&app=desktop", Rick)]
    [InlineData("https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVM", Rick)]
    [InlineData("https://www.youtube.com/watch?feature=player_embedded&v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s", Rick)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ&list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI&index=2", Rick)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ&feature=youtu.be", Rick)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQ#t=10", Rick)]
    [InlineData("https://www.youtube.com/watch/?v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXc%51", Rick)]
    [InlineData("https://www.youtube.com/watch/dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/watch_popup?v=dQw4w9WgXcQ", Rick)]
    // no scheme, protocol-relative
    [InlineData("youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("www.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("m.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("//www.youtube.com/watch?v=dQw4w9WgXcQ", Rick)]
    // case of scheme, host and path keywords; the ID keeps its case
    [InlineData("HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("Https://YouTube.com/Watch?v=dQw4w9WgXcQ", Rick)]
    [InlineData("https://YOUTU.BE/dQw4w9WgXcQ", Rick)]
    [InlineData("WWW.YouTube.COM/SHORTS/dQw4w9WgXcQ", Rick)]
    // ports
    [InlineData("https://www.youtube.com:443/watch?v=dQw4w9WgXcQ", Rick)]
    // youtu.be
    [InlineData("https://youtu.be/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ?si=B_RZg_I-lLaa7UU-", Rick)]
    [InlineData("https://youtu.be/dQw4w9WgXcQ?t=42", Rick)]
    [InlineData("youtu.be/dQw4w9WgXcQ", Rick)]
    [InlineData("http://youtu.be/dQw4w9WgXcQ/", Rick)]
    // shorts, embed, live, v, e
    [InlineData("https://www.youtube.com/shorts/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtube.com/shorts/dQw4w9WgXcQ?feature=share", Rick)]
    [InlineData("https://www.youtube.com/embed/dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/embed/dQw4w9WgXcQ?start=30&autoplay=1", Rick)]
    [InlineData("https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtube-nocookie.com/embed/dQw4w9WgXcQ?rel=0", Rick)]
    [InlineData("https://www.youtube.com/live/dQw4w9WgXcQ?si=abc", Rick)]
    [InlineData("https://www.youtube.com/v/dQw4w9WgXcQ", Rick)]
    [InlineData("https://www.youtube.com/v/dQw4w9WgXcQ&hl=en_US&fs=1", Rick)]
    [InlineData("https://www.youtube.com/e/dQw4w9WgXcQ", Rick)]
    [InlineData("https://youtube.googleapis.com/v/dQw4w9WgXcQ", Rick)]
    // attribution_link
    [InlineData("https://www.youtube.com/attribution_link?a=xyz&u=/watch%3Fv%3DdQw4w9WgXcQ%26feature%3Dshare", Rick)]
    [InlineData("https://www.youtube.com/attribution_link?u=%2Fwatch%3Fv%3DdQw4w9WgXcQ&a=xyz", Rick)]
    public void I_can_parse_a_video_ID_from_a_URL(string input, string expected)
    {
        var result = VideoId.Inspect(input);

        result.Error.ShouldBeNull();
        result.IsValid.ShouldBeTrue();
        result.Id.ShouldNotBeNull().Value.ShouldBe(expected);
        VideoId.Parse(input).Value.ShouldBe(expected);
    }

    [Theory]
    // empty
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   \t\n ", "empty")]
    // wrong length / bad characters
    [InlineData("dQw4w9WgX", "A video ID has 11 characters; this one has 9.")]
    [InlineData("dQw4w9WgXcQQ", "this one has 12")]
    [InlineData("https://youtu.be/dQw4w9Wg", "this one has 8")]
    [InlineData("https://www.youtube.com/watch?v=dQw4w9WgXcQxyz", "this one has 14")]
    [InlineData("dQw4w9WgXc!", "characters YouTube never uses")]
    [InlineData("dQw4w 9WgXc", "characters YouTube never uses")]
    [InlineData("not a link", "neither a link nor a video ID")]
    [InlineData("rick astley never gonna give you up", "neither a link nor a video ID")]
    [InlineData("https://www.youtube.com/shorts/dQw4w9WgX+Q", "characters YouTube never uses")]
    [InlineData("https://www.youtube.com/watch?v=", "does not contain a video ID")]
    // channels
    [InlineData("https://www.youtube.com/channel/UCuAXFkgsw1L7xaCfnd5JJOw", "channel link")]
    [InlineData("https://www.youtube.com/c/RickAstleyYT", "channel link")]
    [InlineData("https://www.youtube.com/user/RickAstleyVEVO", "channel link")]
    [InlineData("https://www.youtube.com/@RickAstleyYT", "channel link")]
    [InlineData("youtube.com/@RickAstleyYT/videos", "channel link")]
    // playlists without a video
    [InlineData("https://www.youtube.com/playlist?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI", "playlist link without a video")]
    [InlineData("https://www.youtube.com/watch?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI", "playlist link without a video")]
    [InlineData("https://www.youtube.com/embed/videoseries?list=PLFgquLnL59alCl_2TQvOiD5Vgm1hCaGSI", "playlist link without a video")]
    // other YouTube pages
    [InlineData("https://www.youtube.com/feed/trending", "does not point to a single video")]
    [InlineData("https://www.youtube.com/results?search_query=rick+astley", "does not point to a single video")]
    [InlineData("https://www.youtube.com/", "does not point to a single video")]
    [InlineData("youtube.com", "does not point to a single video")]
    [InlineData("https://www.youtube.com/watch?feature=share", "does not point to a single video")]
    [InlineData("https://youtu.be/", "does not point to a single video")]
    [InlineData("https://www.youtube.com/embed/", "does not point to a single video")]
    [InlineData("https://www.youtube.com/attribution_link?a=xyz", "does not point to a single video")]
    [InlineData("https://www.youtube.com/attribution_link?u=https%3A%2F%2Fevil.example%2Fwatch%3Fv%3DdQw4w9WgXcQ", "does not point to a single video")]
    // other hosts and look-alikes
    [InlineData("https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://evilyoutube.com/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://youtube.co/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://vimeo.com/76979871", "Only YouTube links are accepted")]
    [InlineData("evil.example/?youtube.com/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("evil.example/youtube.com/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://evil.example/youtube.com/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://youtube.com@evil.example/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://user:pass@www.youtube.com/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://www.youtube.com:abc/watch?v=dQw4w9WgXcQ", "Only YouTube links are accepted")]
    [InlineData("https://youtube.googleapis.com/watch?v=dQw4w9WgXcQ", "does not point to a single video")]
    // other schemes
    [InlineData("javascript:alert('youtube.com/watch?v=dQw4w9WgXcQ')", "http:// or https://")]
    [InlineData("ftp://youtube.com/watch?v=dQw4w9WgXcQ", "http:// or https://")]
    [InlineData("file:///youtube.com/watch?v=dQw4w9WgXcQ", "http:// or https://")]
    [InlineData("data:text/html,youtube.com", "http:// or https://")]
    public void I_get_a_reason_when_a_link_is_not_a_video(string? input, string expectedFragment)
    {
        var result = VideoId.Inspect(input);

        result.IsValid.ShouldBeFalse();
        result.Id.ShouldBeNull();
        result.Error.ShouldNotBeNull().ShouldContain(expectedFragment);
        VideoId.TryParse(input).ShouldBeNull();
    }

    [Fact]
    public void I_get_a_reason_when_the_input_is_absurdly_long()
    {
        var input = "https://www.youtube.com/watch?v=dQw4w9WgXcQ&x=" + new string('a', 3000);

        VideoId.Inspect(input).Error.ShouldNotBeNull().ShouldContain("too long");
    }

    [Fact]
    public void Parse_throws_a_FormatException_carrying_the_reason()
    {
        var ex = Should.Throw<FormatException>(() => VideoId.Parse("https://www.youtube.com/@RickAstleyYT"));

        ex.Message.ShouldBe("This is a channel link, not a video: open one of its videos and copy that link.");
    }

    [Fact]
    public void Parse_throws_a_FormatException_for_null()
    {
        Should.Throw<FormatException>(() => VideoId.Parse(null)).Message.ShouldBe("The link is empty.");
    }

    [Fact]
    public void TryParse_returns_null_instead_of_throwing()
    {
        VideoId.TryParse("https://evil.example/watch?v=dQw4w9WgXcQ").ShouldBeNull();
        VideoId.TryParse("https://youtu.be/dQw4w9WgXcQ").ShouldBe(VideoId.Parse(Rick));
    }

    [Fact]
    public void Two_IDs_are_equal_when_their_values_match_exactly()
    {
        var a = VideoId.Parse("https://youtu.be/dQw4w9WgXcQ");
        var b = VideoId.Parse("https://www.youtube.com/watch?v=dQw4w9WgXcQ");
        var other = VideoId.Parse("dQw4w9WgXcq");

        a.ShouldBe(b);
        (a == b).ShouldBeTrue();
        (a != other).ShouldBeTrue();
        a.Equals((object)b).ShouldBeTrue();
        a.GetHashCode().ShouldBe(b.GetHashCode());
        a.ToString().ShouldBe(Rick);
        new HashSet<VideoId> { a, b, other }.Count.ShouldBe(2);
    }

    [Fact]
    public void A_default_ID_has_an_empty_value()
    {
        default(VideoId).Value.ShouldBe(string.Empty);
        default(VideoId).ToString().ShouldBe(string.Empty);
    }

    [Fact]
    public void Inspect_and_TryParse_never_throw_for_odd_strings()
    {
        string[] odd =
        [
            ":", "//", "///", "?", "#", "@", "%", "%%%", "http:", "https:", "https://", "https:///watch",
            "https://youtube.com/attribution_link?u=%", "https://youtube.com/attribution_link?u=%2F%2",
            "youtube.com:", "youtube.com:99999999/watch?v=dQw4w9WgXcQ", "\0\0\0", "\uD800", "[::1]",
            "https://[::1]/watch?v=dQw4w9WgXcQ", "https://youtube.com\\@evil.example/watch?v=dQw4w9WgXcQ",
            new string('/', 2048), new string('a', 100_000),
        ];

        foreach (var input in odd)
        {
            Should.NotThrow(() => VideoId.Inspect(input));
            Should.NotThrow(() => VideoId.TryParse(input));
        }
    }
}
