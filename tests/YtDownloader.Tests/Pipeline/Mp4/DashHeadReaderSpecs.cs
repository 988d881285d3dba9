using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Pipeline.Mp4;

namespace YtDownloader.Tests.Pipeline.Mp4;

/// <summary>
/// The head of a stream, read from files the real ffmpeg makes in each layout: YouTube's DASH shape is read whole,
/// and every other layout is told apart with its reason, so that the job goes to ffmpeg instead.
/// </summary>
public sealed class DashHeadReaderSpecs : IDisposable
{
    private static readonly string[] Picture = ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=3"];
    private static readonly string[] Sound = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3"];
    private static readonly string[] H264 = ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30"];
    private static readonly string[] Video = [.. Picture, .. H264];
    private static readonly string[] Aac = [.. Sound, "-c:a", "aac", "-b:a", "128k"];
    internal static readonly string[] BaseDataOffsetLayout = ["-movflags", "frag_keyframe+empty_moov+global_sidx+skip_trailer"];
    internal static readonly string[] Av1 = ["-c:v", "libsvtav1", "-preset", "12", "-g", "30", "-pix_fmt", "yuv420p"];
    private static readonly string[] Opus = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-c:a", "libopus", "-b:a", "96k"];

    /// <summary>Each layout: how ffmpeg makes it, and what the reader says of it (null: it reads as the common case).</summary>
    private static readonly Dictionary<string, (string[] Arguments, string? Refusal)> Layouts = new()
    {
        ["H.264 as YouTube serves it"] = ([.. Video, .. TestMedia.DashLayout], null),
        ["AAC as YouTube serves it"] = ([.. Aac, .. TestMedia.DashAudioLayout], null),
        ["fragments with no sidx"] = ([.. Video, "-movflags", "frag_keyframe+empty_moov+default_base_moof"], "not a sidx"),
        ["the moov at the end"] = ([.. Video], "comes before the moov"),
        ["the moov up front, not fragmented"] = ([.. Video, "-movflags", "+faststart"], "no mvex"),
        ["two tracks in one file"] = ([.. Picture, .. Sound, .. H264, "-c:a", "aac", .. TestMedia.DashLayout], "2 tracks"),
        // Offsets from the stream's start, not the moof's: the merge moves them with their moof.
        ["fragments with a base-data-offset"] = ([.. Video, .. BaseDataOffsetLayout], null),
        ["an mfra after the indexed fragments"] = ([.. Video, "-movflags", "dash+global_sidx"], "of a stream of"),
        ["AV1 as YouTube serves it"] = ([.. Picture, .. Av1, .. TestMedia.DashLayout], null),
        ["Opus in MP4"] = ([.. Opus, .. TestMedia.DashLayout], "neither H.264"),
    };

    private readonly string _folder = Directory.CreateTempSubdirectory("ytd-dash-head-").FullName;

    public static TheoryData<string> LayoutNames => [.. Layouts.Keys];

    [Theory]
    [MemberData(nameof(LayoutNames))]
    public async Task A_stream_reads_as_the_common_case_only_in_YouTubes_DASH_layout(string layout)
    {
        var (arguments, refusal) = Layouts[layout];
        var path = await MakeAsync(arguments);

        if (refusal is null)
        {
            var head = await ReadAsync(path);
            head.Subsegments.Count.ShouldBeGreaterThan(1);
            (head.Subsegments[^1].Offset + head.Subsegments[^1].Size).ShouldBe(new FileInfo(path).Length);
        }
        else
        {
            (await Should.ThrowAsync<Mp4LayoutException>(() => ReadAsync(path))).Message.ShouldContain(refusal);
        }
    }

    [Fact]
    public async Task The_head_of_a_DASH_video_tells_its_track_its_subsegments_and_where_the_fragments_start()
    {
        var path = await MakeAsync([.. Video, .. TestMedia.DashLayout]);

        var head = await ReadAsync(path);

        head.Track.Handler.ShouldBe(BoxType.Vide);
        head.Track.Codec.ShouldBe(BoxType.Avc1);
        head.Track.TrackId.ShouldBe(1u);
        head.SidxTimescale.ShouldBe(head.Track.Timescale);
        head.Subsegments.Select(s => s.EarliestPresentationTime).ShouldBe([0, head.Track.Timescale, 2 * head.Track.Timescale]);
        head.Duration.ShouldBe(3 * head.Track.Timescale);
        head.Subsegments[0].Offset.ShouldBe(head.FragmentsStart);
        head.Subsegments.Zip(head.Subsegments.Skip(1)).ShouldAllBe(p => p.First.Offset + p.First.Size == p.Second.Offset);
        // The first fragment's moof, read with the head, is where the sidx says the fragments start.
        var bytes = await File.ReadAllBytesAsync(path, TestContext.Current.CancellationToken);
        bytes.AsSpan((int)head.FragmentsStart, head.FirstMoof.Length).SequenceEqual(head.FirstMoof).ShouldBeTrue();
        System.Text.Encoding.ASCII.GetString(head.FirstMoof, 4, 4).ShouldBe("moof");
    }

    // Cut in the ftyp, in the moov, and after a whole sidx that indexes more than is there.
    [Theory]
    [InlineData(20, "ends")]
    [InlineData(700, "ends")]
    [InlineData(900, "of a stream of 900 bytes")]
    public async Task A_head_cut_short_is_not_the_common_case(int length, string refusal)
    {
        var whole = await MakeAsync([.. Video, .. TestMedia.DashLayout]);
        var path = Path.Combine(_folder, "cut.mp4");
        var cancel = TestContext.Current.CancellationToken;
        await File.WriteAllBytesAsync(path, (await File.ReadAllBytesAsync(whole, cancel))[..length], cancel);

        (await Should.ThrowAsync<Mp4LayoutException>(() => ReadAsync(path))).Message.ShouldContain(refusal);
    }

    private static async Task<DashHead> ReadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await DashHeadReader.ReadAsync(file, file.Length, TestContext.Current.CancellationToken);
    }

    private async Task<string> MakeAsync(string[] arguments)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.mp4");
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        result.ExitCode.ShouldBe(0, result.StandardError);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
