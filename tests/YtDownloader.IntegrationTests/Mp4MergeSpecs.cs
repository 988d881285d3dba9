using System.Net;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Our own merge of YouTube's DASH streams against ffmpeg's merge of the same files, both read back by the real
/// ffprobe: the same streams, durations and packets; and every other input still merged by ffmpeg.
/// </summary>
public sealed class Mp4MergeSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    // ffmpeg's one frame at 30 fps; the sound's frames are shorter.
    private const double OneFrame = 1 / 30.0;

    [Fact]
    public async Task The_merge_of_dash_h264_and_aac_holds_what_ffmpegs_merge_of_the_same_streams_holds()
    {
        var (stored, body) = await StoreAsync("720p");
        var reference = Path.Combine(Path.GetDirectoryName(stored)!, "by-ffmpeg.mp4");
        await FfmpegAsync("-i", fixture.Media.Video720.Path, "-i", fixture.Media.AacAudio.Path, "-map", "0:v:0", "-map", "1:a:0",
            "-c", "copy", "-movflags", "frag_keyframe+empty_moov", reference);

        var ours = await Ffprobe.StreamFiguresAsync(stored);
        var theirs = await Ffprobe.StreamFiguresAsync(reference);
        ours.Select(s => (s.CodecType, s.CodecName, s.Width, s.Height, s.SampleRate, s.Packets))
            .ShouldBe(theirs.Select(s => (s.CodecType, s.CodecName, s.Width, s.Height, s.SampleRate, s.Packets)));
        ours.Zip(theirs).ShouldAllBe(p => Math.Abs(p.First.Duration - p.Second.Duration) <= OneFrame);
        (await Ffprobe.MediaHashAsync(stored)).ShouldBe(await Ffprobe.MediaHashAsync(reference));
        new FileInfo(stored).Length.ShouldBe(body.GetProperty("size").GetInt64());
        // ffmpeg signs what it writes; our merge does not: this file never went through ffmpeg.
        (await Ffprobe.ProbeAsync(stored)).Tags.Keys.ShouldNotContain("encoder");
        (await Ffprobe.ProbeAsync(reference)).Tags.Keys.ShouldContain("encoder");
    }

    [Fact]
    public async Task An_m4a_from_a_dash_aac_stream_is_the_stream_packet_for_packet_without_ffmpeg()
    {
        var (stored, _) = await StoreAsync("audio");

        var probe = await Ffprobe.ProbeAsync(stored);
        probe.FormatName.ShouldContain("m4a");
        probe.Tags.Keys.ShouldNotContain("encoder");
        probe.Tags["major_brand"].ShouldBe("M4A ");
        (await Ffprobe.MediaHashAsync(stored, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.AacAudio.Path, "a:0"));
        (await Ffprobe.StreamFiguresAsync(stored)).ShouldHaveSingleItem().Packets
            .ShouldBe((await Ffprobe.StreamFiguresAsync(fixture.Media.AacAudio.Path)).Single().Packets);
    }

    [Fact]
    public async Task Vp9_video_with_aac_is_still_merged_by_ffmpeg_into_a_valid_file()
    {
        var (stored, _) = await StoreAsync("480p");

        var probe = await Ffprobe.ProbeAsync(stored);
        probe.Tags.Keys.ShouldContain("encoder");
        probe.Video.CodecName.ShouldBe("vp9");
        probe.Audio.CodecName.ShouldBe("aac");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
        (await Ffprobe.MediaHashAsync(stored, "v:0")).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.Vp9At480.Path, "v:0"));
        (await Ffprobe.MediaHashAsync(stored, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(fixture.Media.AacAudio.Path, "a:0"));
    }

    private async Task<(string Path, System.Text.Json.JsonElement Body)> StoreAsync(string quality)
    {
        var id = ("x" + Guid.NewGuid().ToString("N"))[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();
        var (status, body, _) = await http.UploadAsync(new { url = id, quality });
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var path = await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-mp4merge-").FullName);
        return (path, body);
    }

    private static async Task FfmpegAsync(params string[] arguments)
    {
        var result = await Cli.Wrap("ffmpeg").WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync();
        result.ExitCode.ShouldBe(0, result.StandardError);
    }
}
