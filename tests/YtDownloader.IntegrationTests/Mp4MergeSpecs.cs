using System.Net;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// The default media, and a second set whose 1080p video carries an event message box before its third fragment and
/// whose 480p VP9 carries a SilentTracks element in its second cluster: streams whose heads read as ours, with a
/// part further on that our merge does not carry.
/// </summary>
public sealed class Mp4MergeFixture : ServiceFixture
{
    /// <summary>The video whose streams are <see cref="WithEventMessage"/>'s.</summary>
    public const string EventMessageVideo = "emsgboxvid1";

    public TestMedia WithEventMessage { get; } = new();

    /// <summary>Matroska's element that names tracks silent in a cluster, which our merge does not carry.</summary>
    private const uint SilentTracks = 0x5854;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await WithEventMessage.InitializeAsync();
        await TestMedia.InsertBoxBeforeFragmentAsync(WithEventMessage.Video1080, fragment: 2, "emsg", payloadBytes: 40);
        await TestMedia.InsertIntoClusterAsync(WithEventMessage.Vp9At480, cluster: 1, SilentTracks);
        Origin.MediaSets[EventMessageVideo] = WithEventMessage;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await WithEventMessage.DisposeAsync();
    }
}

/// <summary>
/// Our own merge of YouTube's DASH and WebM streams against ffmpeg's merge of the same files, both read back by the
/// real ffprobe: the same streams, durations and packets; and a stream we cannot carry still merged by ffmpeg.
/// </summary>
public sealed class Mp4MergeSpecs(Mp4MergeFixture fixture) : IClassFixture<Mp4MergeFixture>
{
    // ffmpeg's one frame at 30 fps; the sound's frames are shorter.
    private const double OneFrame = 1 / 30.0;

    [Theory]
    [InlineData("720p", "video720.mp4")] // DASH H.264 and AAC
    [InlineData("480p", "video480.webm")] // WebM VP9 (YouTube's only stream above 1080p) and DASH AAC
    public async Task The_merge_holds_what_ffmpegs_merge_of_the_same_streams_holds(string quality, string videoName)
    {
        var (video, audio) = (fixture.Media.ByName(videoName), fixture.Media.AacAudio);
        var servedBefore = (Video: fixture.Origin.ServedBytes(video.Name), Audio: fixture.Origin.ServedBytes(audio.Name));

        var (stored, body) = await StoreAsync(quality);

        // Each stream read once, front to back: the media server sent each of its bytes once.
        (fixture.Origin.ServedBytes(video.Name) - servedBefore.Video).ShouldBe(video.Length);
        (fixture.Origin.ServedBytes(audio.Name) - servedBefore.Audio).ShouldBe(audio.Length);
        var reference = Path.Combine(Path.GetDirectoryName(stored)!, "by-ffmpeg.mp4");
        await FfmpegAsync("-i", video.Path, "-i", audio.Path, "-map", "0:v:0", "-map", "1:a:0",
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

    [Theory]
    [InlineData("1080p", "video1080.mp4")] // an emsg box between DASH fragments
    [InlineData("480p", "video480.webm")] // a SilentTracks element in a WebM cluster
    public async Task A_part_our_merge_cannot_carry_after_the_file_has_begun_has_ffmpeg_make_the_whole_file_again(string quality, string videoName)
    {
        const string id = Mp4MergeFixture.EventMessageVideo;
        var (video, audio) = (fixture.WithEventMessage.ByName(videoName), fixture.WithEventMessage.AacAudio);
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var requestsBefore = fixture.Origin.MediaRequests.Count(r => r.Video == id && r.Name == video.Name && r.From == 0);
        using var http = fixture.CreateClient();

        var (status, created, _) = await http.CreateJobAsync(id, quality);
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        var job = await http.WaitForEndAsync(created.Text("id"), TimeSpan.FromMinutes(2));

        job.Text("phase").ShouldBe("done", job.ToString());
        var stored = await fixture.S3.DownloadAsync(job.GetProperty("result").Text("key"), Directory.CreateTempSubdirectory("ytd-mp4merge-").FullName);
        // ffmpeg's file (it signs it), with every packet of both streams: what we did not carry is not media.
        (await Ffprobe.ProbeAsync(stored)).Tags.Keys.ShouldContain("encoder");
        (await Ffprobe.MediaHashAsync(stored, "v:0")).ShouldBe(await Ffprobe.MediaHashAsync(video.Path, "v:0"));
        (await Ffprobe.MediaHashAsync(stored, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(audio.Path, "a:0"));
        // Our merge read the video from its first byte, then ffmpeg did again: both fetches are counted.
        fixture.Origin.MediaRequests.Count(r => r.Video == id && r.Name == video.Name && r.From == 0).ShouldBe(requestsBefore + 2);
        job.GetProperty("fetchedBytes").GetInt64().ShouldBeGreaterThan(video.Length + audio.Length);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
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
