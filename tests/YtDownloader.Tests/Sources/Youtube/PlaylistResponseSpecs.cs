using System.Text.Json;
using System.Text.Json.Nodes;
using YtDownloader.Sources;
using YtDownloader.Sources.Youtube;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.Tests.Sources.Youtube;

public class PlaylistResponseSpecs
{
    private const string Playlist = "2024-11_playlist-continuation_PLoumn5BIsUDeGF1vy5Nylf_RJKn5aL_nr";
    private const string Channel = "2026-07_channel-videos_UCTwECeGqMZee77BjdoYtI2Q";
    private const string Missing = "2024-11_playlist-notavailable_PL11111111111111111111111111111111";

    /// <summary>Every recorded listing page; the facts it must give are each case's meta.json <c>expected.pages</c>.</summary>
    public static TheoryData<string, string> Pages => new()
    {
        { Playlist, "browse.json" },
        { Playlist, "browse-continuation.json" },
        { Channel, "browse.json" },
        { Channel, "browse-continuation.json" },
    };

    [Theory]
    [MemberData(nameof(Pages))]
    public void A_recorded_page_gives_the_entries_and_the_continuation_its_meta_states(string folder, string file)
    {
        var expected = ExpectedPage(folder, file);

        var page = PlaylistResponse.Parse(Load(folder, file));

        page.Entries.Count.ShouldBe(expected["entries"]!.GetValue<int>());
        page.Entries.Select(e => e.VideoId.Value).ShouldBe(expected["video_ids"]!.AsArray().Select(v => v!.GetValue<string>()));
        foreach (var (entry, facts) in new[] { (page.Entries[0], expected["first"]!), (page.Entries[^1], expected["last"]!) })
        {
            entry.VideoId.Value.ShouldBe(facts["videoId"]!.GetValue<string>());
            entry.Title.ShouldBe(facts["title"]!.GetValue<string>());
            entry.Duration.ShouldBe(PlaylistResponse.ParseClock(facts["duration"]!.GetValue<string>()));
            entry.Thumbnail.ShouldNotBeNull().ShouldContain(entry.VideoId.Value);
        }
        page.Continuation.ShouldBe(expected["continuation_token"]?.GetValue<string>());
    }

    [Fact]
    public void The_first_playlist_page_gives_its_title_owner_and_stated_size()
    {
        var expected = Meta(Playlist)["expected"]!;

        var page = PlaylistResponse.Parse(Load(Playlist, "browse.json"));

        page.Title.ShouldBe(expected["title"]!.GetValue<string>());
        page.Author.ShouldBe(expected["owner"]!.GetValue<string>());
        page.VideoCount.ShouldBe(expected["total_entries"]!.GetValue<int>());
    }

    [Fact]
    public void A_channel_page_gives_the_channel_as_title_and_author_and_no_stated_size()
    {
        var expected = Meta(Channel)["expected"]!;

        var page = PlaylistResponse.Parse(Load(Channel, "browse.json"));

        page.Title.ShouldBe(expected["channel_title"]!.GetValue<string>());
        page.Author.ShouldBe(expected["channel_title"]!.GetValue<string>());
        page.VideoCount.ShouldBeNull();
    }

    [Fact]
    public void The_token_comes_from_the_end_of_the_video_list_not_from_the_first_continuation_renderer_anywhere()
    {
        var root = JsonNode.Parse(File.ReadAllText(Fixtures.Path(Playlist, "browse.json")))!;
        var sections = root["contents"]!["twoColumnBrowseResultsRenderer"]!["tabs"]![0]!["tabRenderer"]!["content"]!["sectionListRenderer"]!["contents"]!.AsArray();
        // The recording's trap: a second section whose continuation is not the playlist's next page.
        var decoy = sections[1]!["continuationItemRenderer"]!["continuationEndpoint"]!["continuationCommand"]!["token"]!.GetValue<string>();
        var videos = sections[0]!["itemSectionRenderer"]!["contents"]![0]!["playlistVideoListRenderer"]!["contents"]!.AsArray();
        videos.RemoveAt(videos.Count - 1);

        var withoutNextPage = PlaylistResponse.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement);

        decoy.ShouldNotBe(ExpectedPage(Playlist, "browse.json")["continuation_token"]!.GetValue<string>());
        withoutNextPage.Continuation.ShouldBeNull();
        withoutNextPage.Entries.Count.ShouldBe(100);
    }

    [Fact]
    public void A_token_wrapped_in_a_command_executor_is_found()
    {
        var root = JsonNode.Parse(File.ReadAllText(Fixtures.Path(Playlist, "browse-continuation.json")))!;
        var items = root["onResponseReceivedActions"]![0]!["appendContinuationItemsAction"]!["continuationItems"]!.AsArray();
        items.Add(JsonNode.Parse("""
            {"continuationItemRenderer":{"continuationEndpoint":{"commandExecutorCommand":{"commands":[
              {"playlistVotingRefreshPopupCommand":{}},{"continuationCommand":{"token":"NEXT-PAGE","request":"CONTINUATION_REQUEST_TYPE_BROWSE"}}]}}}}
            """));

        PlaylistResponse.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement).Continuation.ShouldBe("NEXT-PAGE");
    }

    [Fact]
    public void An_info_alert_on_a_good_playlist_is_not_an_error()
    {
        var root = JsonNode.Parse(File.ReadAllText(Fixtures.Path(Playlist, "browse.json")))!;
        root["alerts"] = JsonNode.Parse("""
            [{"alertWithButtonRenderer":{"type":"INFO","text":{"simpleText":"Unavailable videos will be hidden during playback"}}}]
            """);

        PlaylistResponse.Parse(JsonDocument.Parse(root.ToJsonString()).RootElement).Entries.Count.ShouldBe(100);
    }

    [Theory]
    [InlineData("browse.json", ErrorCategory.NotFound, "The playlist does not exist.")]
    [InlineData("browse-INVALID_ID.json", ErrorCategory.NotPlayable, "This playlist type is unviewable.")]
    public void A_missing_or_unviewable_playlist_answered_with_http_200_is_a_typed_error_with_youtubes_reason(
        string file, ErrorCategory category, string reason)
    {
        var expected = Meta(Missing)["expected"]!["cases"]!.AsArray().Single(c => c!["file"]!.GetValue<string>() == file)!;

        var error = Should.Throw<PlaylistUnavailableException>(() => PlaylistResponse.Parse(Load(Missing, file)));

        expected["alerts"]![0]!["text"]!.GetValue<string>().ShouldBe(reason);
        error.Category.ShouldBe(category);
        error.Message.ShouldContain(reason);
    }

    [Fact]
    public void A_resolved_handle_gives_the_channel_id()
    {
        var expected = Meta(Channel)["expected"]!;

        PlaylistResponse.ChannelIdOfResolved(Load(Channel, "resolve_url.json")).ShouldBe(expected["channel_id"]!.GetValue<string>());
    }

    [Fact]
    public void A_resolve_answer_without_a_channel_is_not_found()
    {
        var error = Should.Throw<PlaylistUnavailableException>(() => PlaylistResponse.ChannelIdOfResolved(JsonDocument.Parse("""{"endpoint":{}}""").RootElement));

        error.Category.ShouldBe(ErrorCategory.NotFound);
    }

    [Theory]
    [InlineData("4:13", 253)]
    [InlineData("1:07:34", 4054)]
    [InlineData("0:59", 59)]
    [InlineData("LIVE", null)]
    [InlineData("SHORTS", null)]
    [InlineData("", null)]
    [InlineData("1:2:3:4", null)]
    public void A_clock_text_reads_as_a_duration(string text, int? seconds) =>
        PlaylistResponse.ParseClock(text).ShouldBe(seconds is { } s ? TimeSpan.FromSeconds(s) : null);

    private static JsonElement Load(string folder, string file) => JsonDocument.Parse(File.ReadAllText(Fixtures.Path(folder, file))).RootElement;

    private static JsonNode Meta(string folder) => JsonNode.Parse(File.ReadAllText(Fixtures.Path(folder, "meta.json")))!;

    private static JsonNode ExpectedPage(string folder, string file) =>
        Meta(folder)["expected"]!["pages"]!.AsArray().Single(p => p!["file"]!.GetValue<string>() == file)!;
}
