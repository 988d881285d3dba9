using CliWrap;
using CliWrap.Buffered;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <summary>One generated file, described as YouTube would describe it.</summary>
public sealed record MediaFile(string Name, int Itag, string MimeType, int? Width, int? Height, int? Fps, long Bitrate, string Path)
{
    public long Length => new FileInfo(Path).Length;
    public bool IsAudioOnly => Width is null;
}

/// <summary>How the H.264 video-only and the AAC streams of a <see cref="TestMedia"/> are laid out.</summary>
public enum MediaShape
{
    /// <summary>
    /// YouTube's own: DASH fragmented MP4, its index (sidx) up front indexing every fragment to the end of the file,
    /// one fragment a second. What the service merges itself.
    /// </summary>
    Dash,

    /// <summary>
    /// Not fragmented: the video with its index moved to the front, the M4A with its index at the end (ffmpeg reads
    /// the head, jumps to the end, comes back). What the service leaves to ffmpeg.
    /// </summary>
    Progressive,

    /// <summary>
    /// The 1080p video as VP9 in YouTube's WebM (its only stream above 1080p, and at every size for many videos), with
    /// the same DASH AAC: what the service merges itself from a WebM input.
    /// </summary>
    Webm,
}

/// <summary>
/// Real media made by ffmpeg once per test run, in the formats YouTube serves: a muxed 360p MP4,
/// H.264 video-only at 720p and 1080p, VP9 at 480p (where no H.264 exists), AAC in M4A and Opus in WebM; the H.264
/// and AAC streams in <paramref name="shape"/>, YouTube's DASH unless a spec needs the other.
/// </summary>
public sealed class TestMedia(MediaShape shape = MediaShape.Dash) : IAsyncLifetime
{
    public const double DurationSeconds = 3;
    private readonly string _folder = Directory.CreateTempSubdirectory("ytd-media-").FullName;

    /// <summary>
    /// The ffmpeg options that lay a video or an AAC stream out as YouTube's DASH streams: the index up front, no
    /// trailer, a fragment at each keyframe of a video, and one every two seconds of sound.
    /// </summary>
    public static readonly string[] DashLayout = ["-movflags", "dash+global_sidx+skip_trailer"];

    public static readonly string[] DashAudioLayout = [.. DashLayout, "-frag_duration", "2000000"];

    /// <summary>The ffmpeg options that lay a VP9 or Opus stream out as YouTube's WebM: clusters at keyframes, the Cues up front.</summary>
    public static readonly string[] WebmLayout = ["-dash", "1", "-cues_to_front", "1"];

    public MediaShape Shape { get; } = shape;

    // VP9 at the speed of a test, not of a good encode.
    private static readonly string[] Vp9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-row-mt", "1"];

    public MediaFile Muxed360 { get; private set; } = null!;
    public MediaFile Video720 { get; private set; } = null!;
    public MediaFile Video1080 { get; private set; } = null!;
    public MediaFile Vp9At480 { get; private set; } = null!;
    public MediaFile AacAudio { get; private set; } = null!;
    public MediaFile OpusAudio { get; private set; } = null!;

    /// <summary>A JPEG in the size of YouTube's hqdefault thumbnail.</summary>
    public string Thumbnail { get; private set; } = null!;

    public IReadOnlyList<MediaFile> All => [Muxed360, Video720, Video1080, Vp9At480, AacAudio, OpusAudio];

    public async ValueTask InitializeAsync()
    {
        var duration = DurationSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        string Video(int w, int h) => $"testsrc=size={w}x{h}:rate=30:duration={duration}";
        var tone = $"sine=frequency=440:sample_rate=48000:duration={duration}";
        string[] h264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30"];

        // Tasks run one after another on purpose: these machines have two cores.
        Muxed360 = await MakeAsync("muxed360.mp4", 18, "video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"", 640, 360, 30, 500_000,
            ["-f", "lavfi", "-i", Video(640, 360), "-f", "lavfi", "-i", tone, .. h264, "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart"]);
        string[] videoLayout = Shape == MediaShape.Progressive ? ["-movflags", "+faststart"] : DashLayout;
        string[] audioLayout = Shape == MediaShape.Progressive ? [] : DashAudioLayout;
        Video720 = await MakeAsync("video720.mp4", 136, "video/mp4; codecs=\"avc1.4d401f\"", 1280, 720, 30, 1_500_000,
            ["-f", "lavfi", "-i", Video(1280, 720), .. h264, .. videoLayout]);
        Video1080 = Shape == MediaShape.Webm
            ? await MakeAsync("video1080.webm", 248, "video/webm; codecs=\"vp9\"", 1920, 1080, 30, 3_000_000,
                ["-f", "lavfi", "-i", Video(1920, 1080), .. Vp9, "-b:v", "1M", "-g", "30", .. WebmLayout])
            : await MakeAsync("video1080.mp4", 137, "video/mp4; codecs=\"avc1.640028\"", 1920, 1080, 30, 3_000_000,
                ["-f", "lavfi", "-i", Video(1920, 1080), .. h264, .. videoLayout]);
        Vp9At480 = await MakeAsync("video480.webm", 244, "video/webm; codecs=\"vp9\"", 854, 480, 30, 700_000,
            ["-f", "lavfi", "-i", Video(854, 480), .. Vp9, "-b:v", "300k", "-g", "30", .. WebmLayout]);
        AacAudio = await MakeAsync("audio.m4a", 140, "audio/mp4; codecs=\"mp4a.40.2\"", null, null, null, 130_000,
            ["-f", "lavfi", "-i", tone, "-c:a", "aac", "-b:a", "128k", .. audioLayout]);
        OpusAudio = await MakeAsync("audio.webm", 251, "audio/webm; codecs=\"opus\"", null, null, null, 140_000,
            ["-f", "lavfi", "-i", tone, "-c:a", "libopus", "-b:a", "96k", .. WebmLayout]);
        Thumbnail = (await MakeAsync("thumbnail.jpg", 0, "image/jpeg", 480, 360, null, 0,
            ["-f", "lavfi", "-i", "testsrc=size=480x360", "-frames:v", "1"])).Path;
    }

    /// <summary>
    /// Makes the 1080p video and the AAC audio about <paramref name="bytes"/> long together, for benchmarks and for
    /// specs that need size: a 10 s clip at a bitrate YouTube uses for 1080p, repeated with <c>-stream_loop</c> and
    /// stream copy, so that a gigabyte takes seconds to make, not an encode. Both come in YouTube's own DASH shape
    /// (fragmented, the index up front), which the service merges itself; in <see cref="MediaShape.Progressive"/> the
    /// video is DASH still and the audio keeps its index at the end (ffmpeg reads the head, jumps to the end, comes
    /// back), which sends the merge to ffmpeg; in <see cref="MediaShape.Webm"/> the video is VP9 in YouTube's WebM,
    /// which the service merges itself too. The fake origin then serves the big files in their place.
    /// </summary>
    public async Task EnlargeAsync(long bytes)
    {
        const int clipSeconds = 10;
        var webm = Shape == MediaShape.Webm;
        string[] codec = webm ? [.. Vp9, "-minrate", "5M"] : ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-bufsize", "10M"];
        var video = await MakeAsync(webm ? "clip1080.webm" : "clip1080.mp4", Video1080.Itag, Video1080.MimeType, 1920, 1080, 30, 5_000_000,
            ["-f", "lavfi", "-i", $"testsrc2=size=1920x1080:rate=30:duration={clipSeconds},noise=alls=12:allf=t",
             .. codec, "-g", "60", "-b:v", "5M", "-maxrate", "5M"]);
        var audio = await MakeAsync("clip.m4a", 140, AacAudio.MimeType, null, null, null, 128_000,
            ["-f", "lavfi", "-i", $"sine=frequency=440:sample_rate=48000:duration={clipSeconds}", "-c:a", "aac", "-b:a", "128k"]);

        string[] audioLayout = Shape == MediaShape.Progressive ? [] : DashAudioLayout;
        var loops = Math.Max(0, (int)(bytes / (video.Length + audio.Length)) - 1);
        var seconds = (loops + 1) * clipSeconds;
        Video1080 = await MakeAsync($"long-{Video1080.Name}", Video1080.Itag, Video1080.MimeType, 1920, 1080, 30, video.Length * 8 / clipSeconds,
            ["-stream_loop", loops.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", video.Path, "-c", "copy", .. (webm ? WebmLayout : DashLayout)]);
        AacAudio = await MakeAsync($"long-{AacAudio.Name}", 140, AacAudio.MimeType, null, null, null, audio.Length * 8 / clipSeconds,
            ["-stream_loop", loops.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", audio.Path, "-c", "copy", .. audioLayout]);
        File.Delete(video.Path);
        File.Delete(audio.Path);
        EnlargedDuration = TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A DASH file with a box before one of its fragments (<see cref="SegmentIndexEdits.InsertBoxBeforeFragment"/>), in place.</summary>
    public static async Task InsertBoxBeforeFragmentAsync(MediaFile file, int fragment, string type, int payloadBytes) =>
        await File.WriteAllBytesAsync(file.Path, SegmentIndexEdits.InsertBoxBeforeFragment(await File.ReadAllBytesAsync(file.Path), fragment, type, payloadBytes));

    /// <summary>A WebM file with an empty element of <paramref name="id"/> first in one of its clusters (<see cref="WebmEdits.InsertIntoCluster"/>), in place.</summary>
    public static async Task InsertIntoClusterAsync(MediaFile file, int cluster, uint id) =>
        await File.WriteAllBytesAsync(file.Path, WebmEdits.InsertIntoCluster(await File.ReadAllBytesAsync(file.Path), cluster, id));

    /// <summary>The duration of the big files after <see cref="EnlargeAsync"/>.</summary>
    public TimeSpan? EnlargedDuration { get; private set; }

    private async Task<MediaFile> MakeAsync(
        string name, int itag, string mimeType, int? width, int? height, int? fps, long bitrate, string[] arguments)
    {
        var path = System.IO.Path.Combine(_folder, name);
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not make {name}: {result.StandardError}");
        return new MediaFile(name, itag, mimeType, width, height, fps, bitrate, path);
    }

    public MediaFile ByName(string name) => All.Single(m => m.Name == name);

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
