using YtDownloader.Pipeline;
using YtDownloader.Sources;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Pipeline;

public class FormatSelectorSpecs
{
    // A typical landscape video: muxed MP4 at 360p and 720p, H.264 and VP9 video-only up to 1080p,
    // VP9 and AV1 only at 1440p and 2160p, AAC and Opus audio.
    private static readonly VideoInfo Landscape = Video(
        Muxed(18, 640, 360, bitrate: 500_000),
        Muxed(22, 1280, 720, bitrate: 1_500_000),
        VideoOnly(160, "avc1.4d400c", 256, 144, bitrate: 100_000),
        VideoOnly(134, "avc1.4d401e", 640, 360, bitrate: 600_000),
        VideoOnly(136, "avc1.4d401f", 1280, 720, bitrate: 2_000_000),
        VideoOnly(247, "vp9", 1280, 720, bitrate: 1_800_000, container: "webm"),
        VideoOnly(137, "avc1.640028", 1920, 1080, bitrate: 4_000_000),
        VideoOnly(248, "vp9", 1920, 1080, bitrate: 5_000_000, container: "webm"),
        VideoOnly(271, "vp9", 2560, 1440, bitrate: 9_000_000, container: "webm"),
        VideoOnly(313, "vp9", 3840, 2160, bitrate: 18_000_000, container: "webm"),
        VideoOnly(401, "av01.0.12M.08", 3840, 2160, bitrate: 20_000_000),
        Audio(139, "mp4a.40.5", 48_000),
        Audio(140, "mp4a.40.2", 128_000),
        Audio(251, "opus", 160_000, container: "webm"));

    [Fact]
    public void I_list_one_quality_per_resolution_from_the_highest_down()
    {
        var qualities = FormatSelector.ListQualities(Landscape, all: false);

        qualities.Select(f => f.Resolution).ShouldBe(["3840x2160", "2560x1440", "1920x1080", "1280x720", "640x360", "256x144"]);
    }

    [Fact]
    public void I_list_the_MP4_friendliest_format_for_each_resolution()
    {
        var qualities = FormatSelector.ListQualities(Landscape, all: false);

        // VP9 before AV1, H.264 before VP9 (even at a lower bitrate), muxed MP4 before all.
        qualities.Select(f => f.Itag).ShouldBe([313, 271, 137, 22, 18, 160]);
    }

    [Fact]
    public void I_list_every_video_format_when_asked_for_all_of_them()
    {
        var all = FormatSelector.ListQualities(Landscape, all: true);

        all.Count.ShouldBe(11);
        all.ShouldAllBe(f => f.HasVideo);
        all.Select(f => f.Height).ShouldBe(all.Select(f => f.Height).OrderByDescending(h => h));
        all.Select(f => f.Itag).ShouldBe([313, 401, 271, 137, 248, 22, 136, 247, 18, 134, 160]);
    }

    [Fact]
    public void I_list_nothing_for_a_video_without_video_streams()
    {
        var audioOnly = Video(Audio(140, "mp4a.40.2", 128_000));

        FormatSelector.ListQualities(audioOnly, all: false).ShouldBeEmpty();
        FormatSelector.ListQualities(audioOnly, all: true).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("1280x720")]
    [InlineData("720p")]
    [InlineData("720")]
    [InlineData("720p60")]
    [InlineData(" 720P ")]
    public void I_download_the_muxed_MP4_alone_when_there_is_one_at_that_quality(string quality)
    {
        var plan = FormatSelector.Choose(Landscape, quality);

        plan.Quality.ShouldBe("1280x720");
        plan.Video.Itag.ShouldBe(22);
        plan.Audio.ShouldBeNull();
        plan.NeedsMerge.ShouldBeFalse();
        plan.Note.ShouldBeNull();
    }

    [Theory]
    [InlineData("1920x1080")]
    [InlineData("1080p")]
    [InlineData("1080")]
    [InlineData("1080p60")]
    public void I_pair_H264_video_with_the_best_AAC_audio_when_there_is_no_muxed_MP4(string quality)
    {
        var plan = FormatSelector.Choose(Landscape, quality);

        plan.Quality.ShouldBe("1920x1080");
        plan.Video.Itag.ShouldBe(137);
        plan.Audio.ShouldNotBeNull().Itag.ShouldBe(140);
        plan.NeedsMerge.ShouldBeTrue();
        plan.Note.ShouldBeNull();
    }

    [Fact]
    public void I_take_the_higher_frame_rate_among_H264_streams_of_one_resolution()
    {
        var video = Video(
            VideoOnly(136, "avc1.4d401f", 1280, 720, bitrate: 2_500_000, fps: 30),
            VideoOnly(298, "avc1.4d4020", 1280, 720, bitrate: 2_000_000, fps: 60),
            Audio(140, "mp4a.40.2", 128_000));

        FormatSelector.Choose(video, "720p60").Video.Itag.ShouldBe(298);
        FormatSelector.ListQualities(video, all: false).ShouldHaveSingleItem().Itag.ShouldBe(298);
    }

    [Theory]
    [InlineData("2560x1440", 271)]
    [InlineData("1440p", 271)]
    [InlineData("2160p", 313)]
    [InlineData("3840x2160", 313)]
    public void I_fall_back_to_VP9_only_where_there_is_no_H264_and_say_so(string quality, int itag)
    {
        var plan = FormatSelector.Choose(Landscape, quality);

        plan.Video.Itag.ShouldBe(itag);
        plan.Audio.ShouldNotBeNull().Itag.ShouldBe(140);
        plan.Note.ShouldNotBeNull().ShouldContain("VP9");
        plan.Note.ShouldContain("H.264");
    }

    [Fact]
    public void I_fall_back_to_AV1_where_it_is_the_only_codec_and_say_so()
    {
        var video = Video(VideoOnly(401, "av01.0.12M.08", 3840, 2160, bitrate: 20_000_000), Audio(140, "mp4a.40.2", 128_000));

        var plan = FormatSelector.Choose(video, "2160p");

        plan.Video.Itag.ShouldBe(401);
        plan.Note.ShouldNotBeNull().ShouldContain("AV1");
    }

    [Fact]
    public void I_say_so_when_there_is_no_AAC_audio_to_pair()
    {
        var video = Video(VideoOnly(137, "avc1.640028", 1920, 1080), Audio(251, "opus", 160_000, container: "webm"));

        var plan = FormatSelector.Choose(video, "1080p");

        plan.Audio.ShouldNotBeNull().Itag.ShouldBe(251);
        plan.Note.ShouldNotBeNull().ShouldContain("Opus");
        plan.Note.ShouldNotContain("H.264");
    }

    public static TheoryData<string, int> AudioChoices() => new()
    {
        // The default track wins over a dubbed one, however good the dub is.
        { "140:mp4a.40.2:128000:default 141:mp4a.40.2:256000:dubbed", 140 },
        // AAC wins over Opus at a higher bitrate.
        { "140:mp4a.40.2:128000:default 251:opus:160000:default", 140 },
        // Among AAC, the higher bitrate wins.
        { "139:mp4a.40.5:48000:default 140:mp4a.40.2:128000:default", 140 },
        // Opus of the default track wins over AAC of a dubbed one.
        { "251:opus:160000:default 140:mp4a.40.2:128000:dubbed", 251 },
        // Only dubbed tracks: AAC first.
        { "251:opus:160000:dubbed 140:mp4a.40.2:128000:dubbed", 140 },
    };

    [Theory]
    [MemberData(nameof(AudioChoices))]
    public void I_pick_the_default_audio_track_then_AAC_then_the_highest_bitrate(string audio, int expected)
    {
        var formats = audio.Split(' ').Select(spec => spec.Split(':') is [var itag, var codec, var bitrate, var track]
            ? Audio(int.Parse(itag), codec, long.Parse(bitrate), isDefault: track == "default", container: codec == "opus" ? "webm" : "m4a")
            : throw new ArgumentException(spec));
        var video = Video([VideoOnly(137, "avc1.640028", 1920, 1080), .. formats]);

        FormatSelector.Choose(video, "1080p").Audio.ShouldNotBeNull().Itag.ShouldBe(expected);
        FormatSelector.BestAudio(video, preferAac: true).ShouldNotBeNull().Itag.ShouldBe(expected);
    }

    [Fact]
    public void I_take_the_highest_bitrate_regardless_of_codec_when_AAC_is_not_preferred()
    {
        FormatSelector.BestAudio(Landscape, preferAac: false).ShouldNotBeNull().Itag.ShouldBe(251);
    }

    [Theory]
    [InlineData("1080p", "1080x1920", 617)]
    [InlineData("1080", "1080x1920", 617)]
    [InlineData("1080x1920", "1080x1920", 617)]
    [InlineData("720p", "720x1280", 22)]
    public void I_match_portrait_videos_by_their_short_side(string quality, string resolution, int itag)
    {
        var shorts = Video(
            Muxed(22, 720, 1280),
            VideoOnly(617, "avc1.640028", 1080, 1920),
            VideoOnly(616, "vp09.00.40.08", 1080, 1920, container: "webm"),
            Audio(140, "mp4a.40.2", 128_000));

        var plan = FormatSelector.Choose(shorts, quality);

        plan.Quality.ShouldBe(resolution);
        plan.Video.Itag.ShouldBe(itag);
    }

    [Theory]
    [InlineData("480p")]
    [InlineData("1280x721")]
    [InlineData("720x1280")]
    [InlineData("1280")]
    [InlineData("720i")]
    [InlineData("p720")]
    [InlineData("720p60fps")]
    [InlineData("best")]
    [InlineData("")]
    [InlineData("  ")]
    public void I_refuse_a_quality_the_video_does_not_have_and_list_those_it_has(string quality)
    {
        var error = Should.Throw<UnknownQualityException>(() => FormatSelector.Choose(Landscape, quality));

        error.Available.ShouldBe(["3840x2160", "2560x1440", "1920x1080", "1280x720", "640x360", "256x144"]);
        error.Message.ShouldContain("1920x1080");
        error.Message.ShouldContain("256x144");
        error.Message.ShouldContain(quality);
    }

    [Fact]
    public void I_refuse_any_quality_of_a_video_without_video_streams()
    {
        var error = Should.Throw<UnknownQualityException>(() => FormatSelector.Choose(Video(Audio(140, "mp4a.40.2", 128_000)), "720p"));

        error.Available.ShouldBeEmpty();
    }

    [Theory]
    // M4A: the best AAC stream as it is; MP3 from the best stream of all; Opus the Opus stream, moved into Ogg.
    [InlineData(OutputFormat.M4a, 140, false)]
    [InlineData(OutputFormat.Mp3, 251, true)]
    [InlineData(OutputFormat.Opus, 251, true)]
    public void Audio_only_takes_the_stream_its_file_is_made_from(OutputFormat output, int itag, bool converted)
    {
        var plan = FormatSelector.Choose(Landscape, "audio", output);

        plan.Quality.ShouldBe("audio");
        plan.Output.ShouldBe(output);
        plan.Video.Itag.ShouldBe(itag);
        plan.NeedsMerge.ShouldBeFalse();
        plan.NeedsConversion.ShouldBe(converted);
    }

    [Fact]
    public void Audio_only_as_M4A_comes_out_of_a_muxed_MP4_when_there_is_no_AAC_stream_of_its_own()
    {
        var muxedOnly = Video(Muxed(18, 640, 360), Audio(251, "opus", 160_000, container: "webm"));

        var plan = FormatSelector.Choose(muxedOnly, "audio", OutputFormat.M4a);

        plan.Video.Itag.ShouldBe(18);
        plan.NeedsConversion.ShouldBeTrue();
    }

    [Fact]
    public void Audio_only_as_Opus_without_an_Opus_stream_is_refused_with_the_choices_there_are()
    {
        var aacOnly = Video(Audio(140, "mp4a.40.2", 128_000));

        var error = Should.Throw<UnknownQualityException>(() => FormatSelector.Choose(aacOnly, "audio", OutputFormat.Opus));

        error.Available.ShouldBe(["audio (m4a)", "audio (mp3)"]);
    }

    [Fact]
    public void The_audio_choices_name_each_file_and_its_source()
    {
        var choices = FormatSelector.AudioChoices(Landscape);

        choices.Select(c => (c.Output, c.Source.Itag, c.NeedsConversion)).ShouldBe(
            [(OutputFormat.M4a, 140, false), (OutputFormat.Mp3, 251, true), (OutputFormat.Opus, 251, true)]);
    }

    [Theory]
    [InlineData("audio", null, OutputFormat.M4a)]
    [InlineData("Audio", "MP3", OutputFormat.Mp3)]
    [InlineData("audio", "opus", OutputFormat.Opus)]
    [InlineData("audio", "m4a", OutputFormat.M4a)]
    [InlineData("720p", null, OutputFormat.Mp4)]
    [InlineData("720p", "mp4", OutputFormat.Mp4)]
    [InlineData("720p", "mp3", null)]
    [InlineData("audio", "mp4", null)]
    [InlineData("audio", "flac", null)]
    public void A_requests_format_goes_with_its_quality_or_not_at_all(string quality, string? format, OutputFormat? expected) =>
        OutputFormats.For(quality, format).ShouldBe(expected);

    private static VideoInfo Video(params MediaFormat[] formats) =>
        new(VideoId.Parse("dQw4w9WgXcQ"), "Title", "Author", TimeSpan.FromMinutes(3), [], formats, "test");

    private static MediaFormat Muxed(int itag, int width, int height, long bitrate = 1_000_000) =>
        Format(itag, "video/mp4", "mp4", "avc1.42001E", "mp4a.40.2", width, height, 30, bitrate, isDefault: true);

    private static MediaFormat VideoOnly(int itag, string codec, int width, int height, long bitrate = 1_000_000, int fps = 30, string container = "mp4") =>
        Format(itag, $"video/{container}", container, codec, null, width, height, fps, bitrate, isDefault: true);

    private static MediaFormat Audio(int itag, string codec, long bitrate, bool isDefault = true, string container = "m4a") =>
        Format(itag, container == "m4a" ? "audio/mp4" : $"audio/{container}", container, null, codec, null, null, null, bitrate, isDefault);

    private static MediaFormat Format(
        int itag, string type, string container, string? video, string? audio, int? width, int? height, int? fps, long bitrate, bool isDefault) =>
        new(itag, new Uri($"https://example.googlevideo.com/videoplayback?itag={itag}"),
            $"{type}; codecs=\"{string.Join(", ", new[] { video, audio }.OfType<string>())}\"",
            container, video, audio, width, height, fps, bitrate, ContentLength: null, AudioSampleRate: audio is null ? null : 44100, isDefault);
}
