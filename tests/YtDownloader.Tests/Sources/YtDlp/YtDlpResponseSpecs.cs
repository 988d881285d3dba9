using System.Text.Json;
using YtDownloader.Sources;
using YtDownloader.Sources.YtDlp;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Sources.YtDlp;

public class YtDlpResponseSpecs
{
    private static readonly VideoId Rick = VideoId.Parse("dQw4w9WgXcQ");

    /// <summary>An info dict as yt-dlp prints it for YouTube, one format per line of interest.</summary>
    private const string Info = """
        {"id": "dQw4w9WgXcQ", "title": "Rick Astley - Never Gonna Give You Up", "channel": "Rick Astley", "uploader": "RickAstleyVEVO",
         "duration": 212.0, "live_status": "not_live",
         "thumbnails": [{"url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/default.jpg", "preference": -10},
                        {"url": "https://i.ytimg.com/vi/dQw4w9WgXcQ/maxresdefault.jpg", "preference": -1, "width": 1280, "height": 720}],
         "formats": [
          {"format_id": "sb0", "url": "https://i.ytimg.com/sb/x/storyboard3_L0/M$M.jpg", "ext": "mhtml", "protocol": "mhtml", "vcodec": "none", "acodec": "none"},
          {"format_id": "140", "url": "https://rr1.googlevideo.com/videoplayback?itag=140", "ext": "m4a", "protocol": "https", "vcodec": "none", "acodec": "mp4a.40.2",
           "asr": 44100, "filesize": 3433514, "tbr": 129.5, "language_preference": -1, "http_headers": {"User-Agent": "Mozilla/5.0", "Accept-Encoding": "gzip", "Range": "bytes=0-"}},
          {"format_id": "140-drc", "url": "https://rr1.googlevideo.com/videoplayback?itag=140&drc=1", "ext": "m4a", "protocol": "https", "vcodec": "none", "acodec": "mp4a.40.2", "filesize_approx": 3400000},
          {"format_id": "18", "url": "https://rr1.googlevideo.com/videoplayback?itag=18", "ext": "mp4", "protocol": "https", "vcodec": "avc1.42001E", "acodec": "mp4a.40.2",
           "width": 640, "height": 360, "fps": 25, "filesize_approx": 13333333, "asr": 44100},
          {"format_id": "136", "url": "https://rr1.googlevideo.com/videoplayback?itag=136", "ext": "mp4", "protocol": "https", "vcodec": "avc1.4d401f", "acodec": "none",
           "width": 1280, "height": 720, "fps": 29.97, "filesize": 25000000, "tbr": 943.4, "http_headers": {"Sec-Fetch-Mode": "navigate", "Cookie": "SID=secret"}},
          {"format_id": "137", "url": "https://rr1.googlevideo.com/videoplayback?itag=137", "ext": "mp4", "protocol": "https", "vcodec": "avc1.640028", "acodec": "none",
           "width": 1920, "height": 1080, "has_drm": true},
          {"format_id": "96", "url": "https://manifest.googlevideo.com/api/manifest/hls_playlist/itag/96/index.m3u8", "ext": "mp4", "protocol": "m3u8_native",
           "vcodec": "avc1.640028", "acodec": "mp4a.40.2", "width": 1920, "height": 1080},
          {"format_id": "299", "url": "https://manifest.googlevideo.com/api/manifest/dash/x", "ext": "mp4", "protocol": "http_dash_segments", "vcodec": "avc1.64002a", "acodec": "none"},
          {"format_id": "248", "ext": "webm", "protocol": "https", "vcodec": "vp9", "acodec": "none"}
         ]}
        """;

    private static VideoInfo Parse(string json) => YtDlpResponse.Parse(JsonDocument.Parse(json).RootElement, Rick, "yt-dlp", url => url);

    [Fact]
    public void I_can_read_the_metadata_from_yt_dlps_info()
    {
        var video = Parse(Info);

        video.Title.ShouldBe("Rick Astley - Never Gonna Give You Up");
        video.Author.ShouldBe("Rick Astley");
        video.Duration.ShouldBe(TimeSpan.FromSeconds(212));
        video.SourceName.ShouldBe("yt-dlp");
        video.Provider.ShouldBe("yt-dlp");
        video.BestThumbnail!.Url.ShouldEndWith("maxresdefault.jpg");
    }

    [Fact]
    public void Only_plain_HTTPS_files_are_kept_not_storyboards_HLS_DASH_manifests_DRM_or_formats_without_a_URL()
    {
        Parse(Info).Formats.Select(f => f.Itag).ShouldBe([140, 140, 18, 136]);
    }

    [Theory]
    [InlineData(0, 140, "m4a", null, "mp4a.40.2", 3433514L, 129500L, true)]
    [InlineData(1, 140, "m4a", null, "mp4a.40.2", null, 128301L, false)]
    [InlineData(2, 18, "mp4", "avc1.42001E", "mp4a.40.2", null, 503144L, true)]
    [InlineData(3, 136, "mp4", "avc1.4d401f", null, 25000000L, 943400L, true)]
    public void Each_format_is_read_with_its_itag_codecs_and_sizes(
        int index, int itag, string container, string? video, string? audio, long? contentLength, long? bitrate, bool isDefaultAudio)
    {
        var format = Parse(Info).Formats[index];

        format.Itag.ShouldBe(itag);
        format.Container.ShouldBe(container);
        format.VideoCodec.ShouldBe(video);
        format.AudioCodec.ShouldBe(audio);
        // Only an exact size is a content length; an approximate one gives only a bitrate.
        format.ContentLength.ShouldBe(contentLength);
        format.Bitrate.ShouldBe(bitrate);
        format.IsDefaultAudioTrack.ShouldBe(isDefaultAudio);
    }

    [Fact]
    public void A_formats_headers_are_kept_but_those_our_fetch_sets_itself_and_cookies_are_not()
    {
        var formats = Parse(Info).Formats;

        formats[0].Headers.ShouldBe(new Dictionary<string, string> { ["User-Agent"] = "Mozilla/5.0" });
        formats[3].Headers.ShouldBe(new Dictionary<string, string> { ["Sec-Fetch-Mode"] = "navigate" });
        formats[3].Fps.ShouldBe(30);
        formats[2].Headers.ShouldBeNull();
    }

    [Fact]
    public void When_a_track_is_marked_as_the_original_the_others_are_not_default()
    {
        var video = Parse("""
            {"id": "dQw4w9WgXcQ", "title": "t", "formats": [
              {"format_id": "251-0", "url": "https://a.googlevideo.com/1", "ext": "webm", "protocol": "https", "vcodec": "none", "acodec": "opus", "language_preference": -1},
              {"format_id": "251-1", "url": "https://a.googlevideo.com/2", "ext": "webm", "protocol": "https", "vcodec": "none", "acodec": "opus", "language_preference": 10},
              {"format_id": "251-2", "url": "https://a.googlevideo.com/3", "ext": "webm", "protocol": "https", "vcodec": "none", "acodec": "opus", "language_preference": -10}]}
            """);

        video.Formats.Select(f => f.IsDefaultAudioTrack).ShouldBe([false, true, false]);
    }

    [Theory]
    [InlineData("""{"id": "dQw4w9WgXcQ", "title": "t", "is_live": true, "formats": []}""", UnavailableReason.Live)]
    [InlineData("""{"id": "dQw4w9WgXcQ", "title": "t", "live_status": "is_upcoming", "formats": []}""", UnavailableReason.Upcoming)]
    public void A_live_or_upcoming_video_is_refused_with_its_reason(string json, UnavailableReason reason)
    {
        Should.Throw<VideoUnavailableException>(() => Parse(json)).Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("""{"id": "xxxxxxxxxxx", "title": "t", "formats": []}""", "another video")]
    [InlineData("""{"id": "dQw4w9WgXcQ", "title": "t", "formats": [{"format_id": "96", "url": "https://a/x.m3u8", "protocol": "m3u8_native", "vcodec": "avc1", "acodec": "mp4a"}]}""", "no stream that can be fetched directly")]
    [InlineData("""[]""", "not a video's info")]
    public void An_info_that_gives_no_usable_video_is_a_failure_that_says_so(string json, string says)
    {
        Should.Throw<YtDlpFailedException>(() => Parse(json)).Message.ShouldContain(says);
    }

    [Theory]
    [InlineData("[youtube] dQw4w9WgXcQ: Sign in to confirm you\u2019re not a bot. Use --cookies-from-browser or --cookies for the authentication.", UnavailableReason.BotCheck)]
    [InlineData("[youtube] dQw4w9WgXcQ: Private video. Sign in if you've been granted access to this video", UnavailableReason.Private)]
    [InlineData("[youtube] dQw4w9WgXcQ: Sign in to confirm your age. This video may be inappropriate for some users.", UnavailableReason.AgeRestricted)]
    [InlineData("[youtube] dQw4w9WgXcQ: Join this channel to get access to members-only content like this video, and other exclusive perks.", UnavailableReason.MembersOnly)]
    [InlineData("[youtube] dQw4w9WgXcQ: This live event will begin in 3 hours.", UnavailableReason.Upcoming)]
    public void yt_dlps_words_about_the_video_become_its_verdict_and_keep_its_words(string error, UnavailableReason reason)
    {
        var verdict = YtDlpResponse.ErrorToException(error, 1).ShouldBeOfType<VideoUnavailableException>();

        verdict.Reason.ShouldBe(reason);
        verdict.Message.ShouldContain(error);
    }

    [Fact]
    public void Any_other_failure_keeps_yt_dlps_words()
    {
        var failure = YtDlpResponse.ErrorToException("[youtube] dQw4w9WgXcQ: Requested format is not available", 1).ShouldBeOfType<YtDlpFailedException>();

        failure.Message.ShouldContain("exit code 1");
        failure.YtDlpError.ShouldBe("[youtube] dQw4w9WgXcQ: Requested format is not available");
        failure.Category.ShouldBe(ErrorCategory.UpstreamFailed);
    }

    [Theory]
    [InlineData("WARNING: [youtube] something\nERROR: [youtube] x: Video unavailable\n", "[youtube] x: Video unavailable")]
    [InlineData("ERROR: first\nERROR: second\n", "second")]
    [InlineData("Traceback (most recent call last):\n  File \"/usr/bin/yt-dlp\", line 8\nyt_dlp.utils.ExtractorError: [youtube] x: No video formats found!\n", "yt_dlp.utils.ExtractorError: [youtube] x: No video formats found!")]
    [InlineData("", null)]
    public void yt_dlps_own_failure_message_is_its_last_error_line_or_else_its_last_line(string stderr, string? expected)
    {
        YtDlpResponse.ErrorLine(stderr).ShouldBe(expected);
    }

    /// <summary>yt-dlp's caption fields: per language a track in each format; automatic captions in every language YouTube translates into.</summary>
    private const string WithCaptions = """
        {"id": "dQw4w9WgXcQ", "title": "T", "channel": "C", "duration": 212.0, "upload_date": "20091025", "description": "About\n0:00 A\n1:00 B\n2:00 C",
         "formats": [{"format_id": "18", "url": "https://rr1.googlevideo.com/videoplayback?itag=18", "ext": "mp4", "protocol": "https",
                      "vcodec": "avc1.42001E", "acodec": "mp4a.40.2", "width": 640, "height": 360}],
         "subtitles": {"en": [{"ext": "json3", "url": "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&lang=en&fmt=json3", "name": "English"},
                              {"ext": "vtt", "url": "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&lang=en&fmt=vtt", "name": "English"}],
                       "live_chat": [{"ext": "json", "url": "https://www.youtube.com/live_chat_replay"}]},
         "automatic_captions": {"en": [{"ext": "vtt", "url": "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&kind=asr&lang=en&fmt=vtt", "name": "English"}],
                                "de": [{"ext": "vtt", "url": "https://www.youtube.com/api/timedtext?v=dQw4w9WgXcQ&kind=asr&lang=en&tlang=de&fmt=vtt", "name": "German"}]},
         "chapters": [{"start_time": 0.0, "end_time": 30.5, "title": "Start"}, {"start_time": 30.5, "end_time": 212.0, "title": "Rest"}]}
        """;

    [Fact]
    public void yt_dlps_subtitles_and_the_videos_own_automatic_captions_are_its_tracks_and_its_chapters_come_before_the_descriptions()
    {
        var video = Parse(WithCaptions);

        video.CaptionTracks.Select(t => (t.Language, t.Name, t.AutoGenerated, t.VttUrl.Query)).ShouldBe(
        [
            ("en", "English", false, "?v=dQw4w9WgXcQ&lang=en&fmt=vtt"),
            ("en", "English", true, "?v=dQw4w9WgXcQ&kind=asr&lang=en&fmt=vtt"),
        ]);
        video.PublishedOn.ShouldBe(new DateOnly(2009, 10, 25));
        video.Description.ShouldStartWith("About");
        video.Chapters.ShouldBe([new Chapter(TimeSpan.Zero, "Start"), new Chapter(TimeSpan.FromSeconds(30.5), "Rest")]);
    }

    [Fact]
    public void Without_chapters_of_its_own_a_video_takes_the_descriptions()
    {
        var video = Parse(WithCaptions.Replace("\"chapters\"", "\"no_chapters\"", StringComparison.Ordinal));

        video.Chapters.Select(c => c.Title).ShouldBe(["A", "B", "C"]);
    }
}
