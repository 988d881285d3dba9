using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>Audio only, on the real service, real ffmpeg and real S3.</summary>
public sealed class AudioSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private string NewVideo()
    {
        var id = ("a" + Guid.NewGuid().ToString("N"))[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        return id;
    }

    [Fact]
    public async Task Audio_only_stores_the_AAC_streams_exact_packets_as_an_m4a_without_a_video_stream()
    {
        using var http = fixture.CreateClient();

        var (status, stored, _) = await http.UploadAsync(new { url = NewVideo(), quality = "audio" });

        status.ShouldBe(HttpStatusCode.OK, stored.ToString());
        stored.Text("key").ShouldEndWith("_audio.m4a");
        stored.Text("contentType").ShouldBe("audio/mp4");
        var path = await fixture.S3.DownloadAsync(stored.Text("key"), Directory.CreateTempSubdirectory("ytd-audio-").FullName);
        (await Ffprobe.MediaHashAsync(path, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.AacAudio.Path, "a:0"));
        var probe = await Ffprobe.ProbeAsync(path);
        probe.Audio.CodecName.ShouldBe("aac");
        // The cover art is a picture, not a video stream.
        probe.Streams.ShouldNotContain(s => s.CodecType == "video" && s.IsPlayable);
    }

    [Fact]
    public async Task Audio_as_mp3_is_encoded_by_ffmpeg_and_decodes_with_the_videos_duration()
    {
        using var http = fixture.CreateClient();

        var (status, stored, _) = await http.UploadAsync(new { url = NewVideo(), quality = "audio", format = "mp3" });

        status.ShouldBe(HttpStatusCode.OK, stored.ToString());
        stored.Text("key").ShouldEndWith("_audio.mp3");
        stored.Text("contentType").ShouldBe("audio/mpeg");
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(stored.Text("key"), Directory.CreateTempSubdirectory("ytd-mp3-").FullName));
        probe.FormatName.ShouldBe("mp3");
        probe.Streams.ShouldHaveSingleItem().CodecName.ShouldBe("mp3");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.15);
    }

    [Fact]
    public async Task Audio_as_opus_moves_the_opus_stream_into_an_ogg_file_without_re_encoding()
    {
        using var http = fixture.CreateClient();

        var (status, stored, _) = await http.UploadAsync(new { url = NewVideo(), quality = "audio", format = "opus" });

        status.ShouldBe(HttpStatusCode.OK, stored.ToString());
        stored.Text("key").ShouldEndWith("_audio.opus");
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(stored.Text("key"), Directory.CreateTempSubdirectory("ytd-opus-").FullName));
        probe.FormatName.ShouldBe("ogg");
        probe.Streams.ShouldHaveSingleItem().CodecName.ShouldBe("opus");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.15);
    }

    [Fact]
    public async Task The_video_details_list_the_audio_choices_with_codec_bitrate_and_size()
    {
        using var http = fixture.CreateClient();

        var (status, video, _) = await http.GetVideoAsync(NewVideo());

        status.ShouldBe(HttpStatusCode.OK);
        var audio = video.GetProperty("audio").EnumerateArray().ToDictionary(a => a.Text("format"));
        audio.Keys.ShouldBe(["m4a", "mp3", "opus"], ignoreOrder: true);
        audio["m4a"].Text("acodec").ShouldBe("mp4a.40.2");
        audio["m4a"].GetProperty("filesize").GetInt64().ShouldBe(fixture.Media.AacAudio.Length);
        audio["m4a"].GetProperty("bitrate").GetInt64().ShouldBe(fixture.Media.AacAudio.Bitrate);
        audio["m4a"].GetProperty("reencoded").GetBoolean().ShouldBeFalse();
        audio["opus"].Text("acodec").ShouldBe("opus");
        audio["opus"].GetProperty("filesize").GetInt64().ShouldBe(fixture.Media.OpusAudio.Length);
        audio["mp3"].GetProperty("reencoded").GetBoolean().ShouldBeTrue();
        audio["mp3"].GetProperty("filesize").GetInt64().ShouldBeGreaterThan(0);
    }

    [Theory]
    [InlineData("audio", "flac")]
    [InlineData("720p", "mp3")]
    public async Task A_format_that_does_not_go_with_the_quality_is_a_400_that_says_what_does(string quality, string format)
    {
        using var http = fixture.CreateClient();

        var (status, problem, _) = await http.UploadAsync(new { url = NewVideo(), quality, format });

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.Text("detail").ShouldContain("\"mp3\"");
    }
}
