using CliWrap;
using CliWrap.Buffered;
using YtDownloader.Pipeline.Mp4;

namespace YtDownloader.Tests.Pipeline.Mp4;

/// <summary>
/// The head of a WebM stream, read from files the real ffmpeg makes: YouTube's VP9 and Opus streams are taken, in
/// either place of their Cues; everything the merge would not carry as it is is told apart with its reason, so that
/// the job goes to ffmpeg instead.
/// </summary>
public sealed class WebmInputSpecs : IDisposable
{
    private static readonly string[] Picture = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=2"];
    private static readonly string[] Sound = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=2"];
    private static readonly string[] Vp9 = ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "200k", "-g", "30"];
    private static readonly string[] Opus = ["-c:a", "libopus", "-b:a", "64k"];
    private static readonly string[] YoutubeLayout = ["-dash", "1", "-cues_to_front", "1"];

    /// <summary>Each stream: how ffmpeg makes it (true: written to a pipe, so never seeked back), and what the reader says of it (null: taken).</summary>
    private static readonly Dictionary<string, (string[] Arguments, bool ToPipe, string? Refusal)> Streams = new()
    {
        ["VP9 as YouTube serves it"] = ([.. Picture, .. Vp9, .. YoutubeLayout, "-f", "webm"], false, null),
        ["VP9 with its Cues at the end"] = ([.. Picture, .. Vp9, "-f", "webm"], false, null),
        ["Opus as YouTube serves it"] = ([.. Sound, .. Opus, .. YoutubeLayout, "-f", "webm"], false, null),
        ["VP9 in Matroska"] = ([.. Picture, .. Vp9, "-f", "matroska"], false, null),
        ["a WebM written to a pipe, which tells no duration"] = ([.. Picture, .. Vp9, "-f", "webm"], true, "no duration"),
        ["picture and sound in one WebM"] = ([.. Picture, .. Sound, .. Vp9, .. Opus, "-f", "webm"], false, "2 tracks"),
        ["VP8"] = ([.. Picture, "-c:v", "libvpx", "-deadline", "realtime", "-b:v", "200k", "-f", "webm"], false, "neither VP9"),
        ["Vorbis"] = ([.. Sound, "-c:a", "libvorbis", "-f", "webm"], false, "neither VP9"),
        ["3D side by side"] = ([.. Picture, .. Vp9, "-metadata:s:v:0", "stereo_mode=left_right", "-f", "webm"], false, "3D"),
        ["an MP4"] = ([.. Picture, "-c:v", "libx264", "-preset", "ultrafast", "-f", "mp4"], false, "not WebM"),
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("ytd-webm-head-").FullName;

    public static TheoryData<string> StreamNames => [.. Streams.Keys];

    [Theory]
    [MemberData(nameof(StreamNames))]
    public async Task A_stream_is_taken_only_when_the_merge_carries_it_as_it_is(string stream)
    {
        var (arguments, toPipe, refusal) = Streams[stream];
        var path = await MakeAsync(arguments, toPipe);

        await using var file = File.OpenRead(path);
        if (refusal is null)
        {
            var input = await WebmInput.OpenAsync(file, TestContext.Current.CancellationToken);
            input.Duration.CompareTo(new MediaTime(19, 10)).ShouldBeGreaterThan(0, "about 2 s");
            input.Duration.CompareTo(new MediaTime(21, 10)).ShouldBeLessThan(0, "about 2 s");
            input.HeadBytes.ShouldBeGreaterThan(0);
        }
        else
        {
            (await Should.ThrowAsync<Mp4LayoutException>(() => WebmInput.OpenAsync(file, TestContext.Current.CancellationToken))).Message.ShouldContain(refusal);
        }
    }

    [Fact]
    public async Task A_damaged_webm_fails_as_a_layout_or_download_error_and_never_otherwise()
    {
        // A backup source may serve anything: cut short, or bytes changed in the head or among the clusters.
        var original = await File.ReadAllBytesAsync(await MakeAsync(Streams["VP9 as YouTube serves it"].Arguments, toPipe: false), TestContext.Current.CancellationToken);
        var unexpected = new List<string>();
        var refused = 0;
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var damaged = seed % 3 == 0 ? original[..random.Next(original.Length)] : original.ToArray();
            for (var i = 0; seed % 3 != 0 && i < 1 + seed % 8; i++)
                damaged[random.Next(seed % 2 == 0 ? 600 : damaged.Length)] = (byte)random.Next(256);
            try
            {
                await using var source = new MemoryStream(damaged);
                var input = await WebmInput.OpenAsync(source, TestContext.Current.CancellationToken);
                await using var merged = new MergedMp4Stream([input], audioOnly: false, Tags, null, null);
                await merged.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);
            }
            catch (YtDownloaderException)
            {
                refused++;
            }
            catch (Exception ex)
            {
                unexpected.Add($"seed {seed}: {ex.GetType().Name}: {ex.Message}");
            }
        }

        unexpected.ShouldBeEmpty();
        refused.ShouldBeGreaterThan(100, "most damage is seen");
    }

    private static readonly YtDownloader.Pipeline.FileTags Tags = new("T", "Channel", null, "https://www.youtube.com/watch?v=aaaaaaaaaaa", "", [], TimeSpan.FromSeconds(2));

    [Theory]
    [InlineData(0xFF, 960u * 3)] // CELT 20 ms, code 3: the frame count in the next byte
    [InlineData(0x78, 960u)] // hybrid 20 ms, one frame
    [InlineData(0x10, 1920u)] // SILK 40 ms, one frame
    [InlineData(0xE9, 240u * 2)] // CELT 5 ms, two frames
    [InlineData(0x1A, 2880u * 2)] // SILK 60 ms, two frames of different sizes
    public void An_opus_packets_length_is_read_from_its_table_of_contents(byte toc, uint samples) =>
        OpusPacket.Samples([toc, 0x03, 0, 0]).ShouldBe(samples);

    [Theory]
    [InlineData(320, 240, 30, 20)]
    [InlineData(854, 480, 30, 30)]
    [InlineData(1920, 1080, 30, 40)]
    [InlineData(1920, 1080, 60, 41)]
    [InlineData(3840, 2160, 30, 50)]
    [InlineData(3840, 2160, 60, 51)]
    [InlineData(7680, 4320, 30, 60)]
    public void A_vp9_level_is_the_lowest_that_holds_the_picture_size_and_rate(int width, int height, double fps, byte level) =>
        Vp9Config.Level(width, height, fps).ShouldBe(level);

    private async Task<string> MakeAsync(string[] arguments, bool toPipe)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.webm");
        var command = Cli.Wrap("ffmpeg").WithValidation(CommandResultValidation.None);
        var result = toPipe
            ? await command.WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, "pipe:1"])
                .WithStandardOutputPipe(PipeTarget.ToFile(path)).ExecuteBufferedAsync(TestContext.Current.CancellationToken)
            : await command.WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, path])
                .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        result.ExitCode.ShouldBe(0, result.StandardError);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
