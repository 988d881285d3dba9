using System.Text.Json;
using YtDownloader.Sources;
using YtDownloader.Sources.Invidious;
using YtDownloader.Tests.TestSupport;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Sources.Invidious;

public class InvidiousResponseSpecs
{
    private static readonly Uri Instance = new("https://inv.nadeko.net/");
    private static readonly VideoId Recorded = VideoId.Parse("b0tbxShxFws");
    private static readonly VideoId Rick = VideoId.Parse("dQw4w9WgXcQ");

    private static VideoInfo ParseRecorded()
    {
        var json = File.ReadAllText(Fixtures.Path("invidious_api-v1-videos_b0tbxShxFws", "api-v1-videos.json"));
        return InvidiousResponse.Parse(JsonDocument.Parse(json).RootElement, Recorded, Instance, "Invidious (inv.nadeko.net)");
    }

    [Fact]
    public void I_can_read_the_metadata_of_a_recorded_Invidious_answer()
    {
        var video = ParseRecorded();

        video.Id.ShouldBe(Recorded);
        video.Title.ShouldBe("【特別講義】英検を活用して4技能を伸ばそう!ライティング新形式で書く力を育てる方法（安河内哲也先生）");
        video.Author.ShouldBe("Eiken Foundation of Japan");
        video.Duration.ShouldBe(TimeSpan.FromSeconds(1509));
        video.SourceName.ShouldBe("Invidious (inv.nadeko.net)");
        video.Thumbnails.Count.ShouldBe(9);
        video.Thumbnails[0].ShouldBe(new Thumbnail("https://inv.nadeko.net/vi/b0tbxShxFws/maxres.jpg", 1280, 720));
        video.Thumbnails[^1].ShouldBe(new Thumbnail("https://inv.nadeko.net/vi/b0tbxShxFws/3.jpg", 120, 90));
        video.BestThumbnail.ShouldNotBeNull().Width.ShouldBe(1280);
    }

    [Theory]
    [InlineData(0, 18, "640x360", "mp4", "avc1.42001E", "mp4a.40.2", null, 30, 466305)]
    [InlineData(1, 140, null, "m4a", null, "mp4a.40.2", 24407521L, null, 131664)]
    [InlineData(2, 251, null, "webm", null, "opus", 20825069L, null, 123603)]
    [InlineData(3, 160, "256x144", "mp4", "avc1.4d400c", null, 15369990L, 30, 127152)]
    [InlineData(4, 134, "640x360", "mp4", "avc1.4d401e", null, 63748356L, 30, 623505)]
    [InlineData(5, 243, "640x360", "webm", "vp9", null, 46181568L, 30, 325874)]
    [InlineData(6, 136, "1280x720", "mp4", "avc1.64001f", null, 227662449L, 30, 2148204)]
    [InlineData(7, 298, "1280x720", "mp4", "avc1.640020", null, 329893030L, 60, 4035002)]
    [InlineData(8, 299, "1920x1080", "mp4", "avc1.64002a", null, 616540478L, 60, 6394939)]
    public void I_can_read_every_format_of_a_recorded_Invidious_answer(
        int index, int itag, string? resolution, string container, string? videoCodec, string? audioCodec, long? contentLength, int? fps, long bitrate)
    {
        var formats = ParseRecorded().Formats;

        formats.Count.ShouldBe(9);
        var format = formats[index];
        format.Itag.ShouldBe(itag);
        format.Resolution.ShouldBe(resolution);
        format.Container.ShouldBe(container);
        format.VideoCodec.ShouldBe(videoCodec);
        format.AudioCodec.ShouldBe(audioCodec);
        format.ContentLength.ShouldBe(contentLength);
        format.Fps.ShouldBe(fps);
        format.Bitrate.ShouldBe(bitrate);
        format.Url.Host.ShouldBe("rr5---sn-uxgg5-njall.googlevideo.com");
        format.Url.Query.ShouldContain($"itag={itag}");
        format.IsDefaultAudioTrack.ShouldBeTrue();
    }

    [Fact]
    public void I_can_read_the_audio_sample_rate_of_Invidious_audio_formats()
    {
        var formats = ParseRecorded().Formats;

        formats.Single(f => f.Itag == 140).AudioSampleRate.ShouldBe(44100);
        formats.Single(f => f.Itag == 251).AudioSampleRate.ShouldBe(48000);
    }

    [Theory]
    [InlineData("This video is private", UnavailableReason.Private)]
    [InlineData("Private video", UnavailableReason.Private)]
    [InlineData("Video unavailable", UnavailableReason.Unavailable)]
    [InlineData("This video is unavailable", UnavailableReason.Unavailable)]
    [InlineData("The uploader has not made this video available in your country", UnavailableReason.Unavailable)]
    [InlineData("This video has been removed by the uploader", UnavailableReason.Unavailable)]
    [InlineData("Sign in to confirm your age", UnavailableReason.AgeRestricted)]
    public void I_can_tell_why_Invidious_cannot_play_a_video_from_its_error(string error, UnavailableReason reason)
    {
        var json = JsonSerializer.Serialize(new { error });

        var exception = Should.Throw<VideoUnavailableException>(() => Parse(json));

        exception.Reason.ShouldBe(reason);
    }

    [Fact]
    public void I_treat_an_instance_blocked_by_YouTube_as_a_failed_source_not_an_unavailable_video()
    {
        Should.Throw<SourceFailedException>(() => Parse("""{"error":"Sign in to confirm you’re not a bot"}"""));
    }

    [Theory]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"Lofi","liveNow":true,"formatStreams":[]}""", UnavailableReason.Live)]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"Soon","liveNow":false,"isUpcoming":true}""", UnavailableReason.Upcoming)]
    public void I_refuse_live_and_upcoming_streams(string json, UnavailableReason reason)
    {
        Should.Throw<VideoUnavailableException>(() => Parse(json)).Reason.ShouldBe(reason);
    }

    [Theory]
    [InlineData("https://invidious.example/", "/latest_version?id=dQw4w9WgXcQ&itag=18", "https://invidious.example/latest_version?id=dQw4w9WgXcQ&itag=18")]
    [InlineData("https://invidious.example/", "/videoplayback?expire=1&itag=18&host=rr1---sn.googlevideo.com", "https://invidious.example/videoplayback?expire=1&itag=18&host=rr1---sn.googlevideo.com")]
    [InlineData("https://invidious.example:8443/", "/latest_version?itag=18", "https://invidious.example:8443/latest_version?itag=18")]
    [InlineData("https://invidious.example/", "https://rr1---sn.googlevideo.com/videoplayback?itag=18", "https://rr1---sn.googlevideo.com/videoplayback?itag=18")]
    public void I_resolve_relative_stream_urls_against_the_instance(string instance, string url, string expected)
    {
        var json = JsonSerializer.Serialize(new
        {
            videoId = "dQw4w9WgXcQ",
            title = "Never Gonna Give You Up",
            author = "Rick Astley",
            lengthSeconds = 213,
            videoThumbnails = new[] { new { quality = "maxres", url = "/vi/dQw4w9WgXcQ/maxres.jpg", width = 1280, height = 720 } },
            formatStreams = new[] { new { url, itag = "18", type = "video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"", size = "640x360" } },
        });

        var video = InvidiousResponse.Parse(JsonDocument.Parse(json).RootElement, Rick, new Uri(instance), "Invidious");

        video.Formats.ShouldHaveSingleItem().Url.ShouldBe(new Uri(expected));
        video.Thumbnails.ShouldHaveSingleItem().Url.ShouldBe(new Uri(new Uri(instance), "/vi/dQw4w9WgXcQ/maxres.jpg").ToString());
        video.Thumbnails[0].Url.ShouldStartWith(instance);
    }

    [Fact]
    public void I_can_read_an_Invidious_dubbed_audio_track_as_not_the_default()
    {
        var video = Parse("""
            {"videoId":"dQw4w9WgXcQ","title":"t","adaptiveFormats":[
              {"url":"https://a.example/1","itag":"140","type":"audio/mp4; codecs=\"mp4a.40.2\"","clen":"0","audioTrack":{"id":"de.3","isDefault":false}},
              {"url":"https://a.example/2","itag":"140","type":"audio/mp4; codecs=\"mp4a.40.2\"","audioTrack":{"id":"en.4","isDefault":true}}
            ]}
            """);

        video.Formats.Select(f => f.IsDefaultAudioTrack).ShouldBe([false, true]);
        video.Formats[0].ContentLength.ShouldBeNull(); // "clen": "0" means unknown
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("""{"videoId":"aaaaaaaaaaa","title":"t","formatStreams":[{"url":"https://a.example/1","type":"video/mp4"}]}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"t"}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"t","formatStreams":[{"itag":18},{"url":5},{"url":null}],"adaptiveFormats":{}}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","formatStreams":[{"url":"https://a.example/1","type":"video/mp4"}]}""")]
    public void I_refuse_an_Invidious_answer_that_is_not_a_downloadable_video(string json)
    {
        Should.Throw<SourceFailedException>(() => Parse(json));
    }

    [Theory]
    [InlineData("""{"error":5}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"t","formatStreams":[{"url":"https://a.example/1","itag":"abc","size":"axb","fps":{},"bitrate":[],"clen":"-","type":7}]}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"t","formatStreams":[{"url":"https://a.example/1","size":"1x2x3"}],"videoThumbnails":[1,{"url":7},{"url":"::"}]}""")]
    [InlineData("""{"videoId":"dQw4w9WgXcQ","title":"t","formatStreams":[{"url":"https://a.example/1","itag":1e300,"size":"99999999999x1"}]}""")]
    public void I_never_throw_anything_but_a_YtDownloaderException_on_a_malformed_Invidious_answer(string json)
    {
        try
        {
            Parse(json).Formats.ShouldNotBeNull();
        }
        catch (Exception ex)
        {
            ex.ShouldBeAssignableTo<YtDownloaderException>();
        }
    }

    private static VideoInfo Parse(string json) =>
        InvidiousResponse.Parse(JsonDocument.Parse(json).RootElement, Rick, new Uri("https://invidious.example/"), "Invidious");
}
