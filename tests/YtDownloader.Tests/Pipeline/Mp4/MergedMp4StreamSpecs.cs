using System.Buffers.Binary;
using CliWrap;
using CliWrap.Buffered;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Pipeline;
using YtDownloader.Pipeline.Mp4;

namespace YtDownloader.Tests.Pipeline.Mp4;

/// <summary>The merged file as the store pulls it, from a DASH video and a DASH audio stream the real ffmpeg makes.</summary>
public sealed class MergedMp4StreamSpecs : IDisposable
{
    private static readonly FileTags Tags = new("T", "Channel", new DateOnly(2024, 5, 6), "https://www.youtube.com/watch?v=aaaaaaaaaaa", "",
        [new YtDownloader.Sources.Chapter(TimeSpan.Zero, "Intro")], TimeSpan.FromSeconds(3));

    private readonly string _folder = Directory.CreateTempSubdirectory("ytd-merged-").FullName;

    [Fact]
    public async Task The_file_is_exactly_as_long_as_announced_and_every_input_byte_is_counted_once()
    {
        var (video, audio) = (await MakeVideoAsync(), await MakeAudioAsync());
        var consumed = 0L;

        var (merged, bytes) = await MergeAsync([video, audio], read => consumed += read);

        ((long)bytes.Length).ShouldBe(merged.Length);
        consumed.ShouldBe(new FileInfo(video).Length + new FileInfo(audio).Length);
    }

    [Fact]
    public async Task Fragments_come_in_time_order_across_the_tracks_numbered_from_one()
    {
        var (video, audio) = (await MakeVideoAsync(), await MakeAudioAsync());

        var (_, bytes) = await MergeAsync([video, audio], null);

        // Video fragments of 1 s at 0, 1, 2 s; sound fragments of 2 s at 0 and 2 s: on a tie, the video first.
        var fragments = Moofs(bytes);
        fragments.Select(f => f.Sequence).ShouldBe([1u, 2u, 3u, 4u, 5u]);
        fragments.Select(f => f.Track).ShouldBe([1u, 2u, 1u, 1u, 2u]);
    }

    [Fact]
    public async Task Offsets_that_count_from_the_streams_start_move_with_their_fragments()
    {
        // ffmpeg's plain fragmented MP4 writes a base-data-offset in every tfhd (ffmpeg's own reader does not need
        // it to be right, other readers do): each must stay as far from its moof as it was in the stream.
        var video = await MakeAsync("video-base-offset.mp4",
            ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30",
             .. DashHeadReaderSpecs.BaseDataOffsetLayout]);
        var audio = await MakeAudioAsync();

        var (_, bytes) = await MergeAsync([video, audio], null);

        var before = BaseDataOffsets(await File.ReadAllBytesAsync(video, TestContext.Current.CancellationToken));
        var after = BaseDataOffsets(bytes);
        before.Count.ShouldBe(3);
        after.Select(o => o.MoofAt - o.Base).ShouldBe(before.Select(o => o.MoofAt - o.Base));
        after.Select(o => o.MoofAt).ShouldNotBe(before.Select(o => o.MoofAt));
        var merged = Path.Combine(_folder, "merged.mp4");
        await File.WriteAllBytesAsync(merged, bytes, TestContext.Current.CancellationToken);
        (await Ffprobe.MediaHashAsync(merged, "v:0")).ShouldBe(await Ffprobe.MediaHashAsync(video, "v:0"));
    }

    [Fact]
    public async Task A_subsegment_of_several_fragments_is_copied_whole_with_each_of_its_moofs_rewritten()
    {
        // The sidx may index a run of moof + mdat pairs as one subsegment (ISO/IEC 14496-12 8.16.3): the merge must
        // walk every fragment inside it, not only the first. The video's first two 1 s fragments become one subsegment.
        var video = Path.Combine(_folder, "video-joined.mp4");
        await File.WriteAllBytesAsync(video, SegmentIndexEdits.JoinFirstTwoSubsegments(await File.ReadAllBytesAsync(await MakeVideoAsync(), TestContext.Current.CancellationToken)),
            TestContext.Current.CancellationToken);
        (await ReadHeadAsync(video)).Subsegments.Count.ShouldBe(2);
        var audio = await MakeAudioAsync();

        var (merged, bytes) = await MergeAsync([video, audio], null);

        // Video 0-2 s (two moofs) and sound 0-2 s tie: the video's run first; then both at 2 s.
        var fragments = Moofs(bytes);
        fragments.Select(f => f.Sequence).ShouldBe([1u, 2u, 3u, 4u, 5u]);
        fragments.Select(f => f.Track).ShouldBe([1u, 1u, 2u, 1u, 2u]);
        ((long)bytes.Length).ShouldBe(merged.Length);
        var path = Path.Combine(_folder, "merged-joined.mp4");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        (await Ffprobe.MediaHashAsync(path, "v:0")).ShouldBe(await Ffprobe.MediaHashAsync(video, "v:0"));
        (await Ffprobe.MediaHashAsync(path, "a:0")).ShouldBe(await Ffprobe.MediaHashAsync(audio, "a:0"));
    }

    [Fact]
    public async Task A_fragment_of_another_track_than_its_head_fails_the_file_instead_of_writing_it()
    {
        var video = await MakeVideoAsync();
        var head = await ReadHeadAsync(video);
        var bytes = await File.ReadAllBytesAsync(video, TestContext.Current.CancellationToken);
        // The third fragment's tfhd names track 7: after the moof's header, its mfhd, the traf's and the tfhd's headers and its flags.
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan((int)head.Subsegments[2].Offset + 44), 7);
        await using var source = new MemoryStream(bytes) { Position = head.HeadBytes };
        await using var merged = new MergedMp4Stream([new DashInput(head, source)], audioOnly: false, Tags, null, null);

        (await Should.ThrowAsync<Mp4LayoutException>(() => merged.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken)))
            .Message.ShouldContain("another track");
    }

    private static readonly string[] Vp9Picture =
        ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=3", "-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-b:v", "300k", "-g", "30"];

    private static readonly string[] OpusSound =
        ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-c:a", "libopus", "-b:a", "96k"];

    /// <summary>Inputs besides H.264 and AAC, each with what ffmpeg is asked to make, in YouTube's shapes (WebM: clusters at keyframes, the Cues up front).</summary>
    private static readonly Dictionary<string, (string Name, string[] Arguments)> Streams = new()
    {
        ["VP9 as YouTube serves it"] = ("video.webm", [.. Vp9Picture, .. TestMedia.WebmLayout]),
        ["VP9 with its Cues at the end"] = ("video-cues-last.webm", Vp9Picture),
        ["Opus as YouTube serves it"] = ("audio.webm", [.. OpusSound, .. TestMedia.WebmLayout]),
        ["AV1 as YouTube serves it"] = ("video-av1.mp4",
            ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=3", .. DashHeadReaderSpecs.Av1, .. TestMedia.DashLayout]),
    };

    public static TheoryData<string, string> WebmPairs => new()
    {
        { "VP9 as YouTube serves it", "AAC" },
        { "VP9 with its Cues at the end", "AAC" },
        { "VP9 as YouTube serves it", "Opus as YouTube serves it" },
        { "AV1 as YouTube serves it", "AAC" },
    };

    [Theory]
    [MemberData(nameof(WebmPairs))]
    public async Task Streams_of_other_codecs_merge_into_what_ffmpegs_merge_of_the_same_streams_holds(string video, string audio)
    {
        var videoPath = await MakeAsync(Streams[video].Name, Streams[video].Arguments);
        var audioPath = audio == "AAC" ? await MakeAudioAsync() : await MakeAsync(Streams[audio].Name, Streams[audio].Arguments);
        var consumed = 0L;

        var (merged, bytes) = await MergeAsync([videoPath, audioPath], read => consumed += read);

        var ours = Path.Combine(_folder, "ours.mp4");
        await File.WriteAllBytesAsync(ours, bytes, TestContext.Current.CancellationToken);
        var theirs = Path.Combine(_folder, "theirs.mp4");
        await MakeFromAsync(theirs, ["-i", videoPath, "-i", audioPath, "-map", "0:v:0", "-map", "1:a:0", "-c", "copy", "-movflags", "frag_keyframe+empty_moov"]);
        var (ourFigures, theirFigures) = (await Ffprobe.StreamFiguresAsync(ours), await Ffprobe.StreamFiguresAsync(theirs));
        ourFigures.Select(s => (s.CodecType, s.CodecName, s.Width, s.Height, s.SampleRate, s.Packets))
            .ShouldBe(theirFigures.Select(s => (s.CodecType, s.CodecName, s.Width, s.Height, s.SampleRate, s.Packets)));
        ourFigures.Zip(theirFigures).ShouldAllBe(p => Math.Abs(p.First.Duration - p.Second.Duration) <= 1 / 30.0);
        (await Ffprobe.MediaHashAsync(ours)).ShouldBe(await Ffprobe.MediaHashAsync(theirs));
        consumed.ShouldBe(new FileInfo(videoPath).Length + new FileInfo(audioPath).Length);
        if (videoPath.EndsWith(".webm", StringComparison.Ordinal))
            Should.Throw<NotSupportedException>(() => merged.Length);
        else
            merged.Length.ShouldBe(bytes.Length);
        // Decoded whole, picture and sound, without one error.
        var decoded = await Cli.Wrap("ffmpeg").WithArguments(["-v", "error", "-xerror", "-i", ours, "-f", "null", "-"])
            .WithValidation(CommandResultValidation.None).ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        decoded.ExitCode.ShouldBe(0, decoded.StandardError);
        decoded.StandardError.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_webm_cluster_larger_than_a_fragment_holds_is_cut_into_several_with_every_frame_kept()
    {
        // One keyframe in 3 s of noisy picture at a high bitrate: one cluster of megabytes.
        var video = await MakeAsync("dense.webm",
            ["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30:duration=3,noise=alls=40:allf=t", "-c:v", "libvpx-vp9", "-deadline", "realtime",
             "-cpu-used", "8", "-b:v", "12M", "-minrate", "12M", "-maxrate", "12M", "-g", "90", .. TestMedia.WebmLayout]);
        new FileInfo(video).Length.ShouldBeGreaterThan(2 * WebmInput.MostFragmentBytes);
        var audio = await MakeAudioAsync();

        var (_, bytes) = await MergeAsync([video, audio], null);

        var videoFragments = Box.Children(bytes, 0, bytes.Length).Where(b => b.Type == BoxType.Moof)
            .Where(b => BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(b.Start + 44)) == 1).Count();
        videoFragments.ShouldBeGreaterThan(2);
        Box.Children(bytes, 0, bytes.Length).Where(b => b.Type == BoxType.Mdat)
            .ShouldAllBe(b => b.Size <= 2 * WebmInput.MostFragmentBytes);
        var path = Path.Combine(_folder, "dense.mp4");
        await File.WriteAllBytesAsync(path, bytes, TestContext.Current.CancellationToken);
        (await Ffprobe.MediaHashAsync(path, "v:0")).ShouldBe(await Ffprobe.MediaHashAsync(video, "v:0"));
        (await Ffprobe.StreamFiguresAsync(path))[0].Packets.ShouldBe(90);
    }

    private async Task<(MergedMp4Stream Merged, byte[] Bytes)> MergeAsync(string[] paths, Action<int>? onConsumed)
    {
        var files = new List<Stream>();
        var inputs = new List<MergeInput>();
        foreach (var path in paths)
        {
            var file = File.OpenRead(path);
            files.Add(file);
            inputs.Add(path.EndsWith(".webm", StringComparison.Ordinal)
                ? await WebmInput.OpenAsync(file, TestContext.Current.CancellationToken)
                : new DashInput(await DashHeadReader.ReadAsync(file, file.Length, TestContext.Current.CancellationToken), file));
        }
        var merged = new MergedMp4Stream(inputs, audioOnly: false, Tags, null, onConsumed);
        using var output = new MemoryStream();
        await merged.CopyToAsync(output, TestContext.Current.CancellationToken);
        foreach (var file in files)
            await file.DisposeAsync();
        return (merged, output.ToArray());
    }

    /// <summary>The top-level moofs of a file: each one's mfhd sequence number and tfhd track ID.</summary>
    private static List<(uint Sequence, uint Track)> Moofs(byte[] file) =>
        Box.Children(file, 0, file.Length).Where(b => b.Type == BoxType.Moof)
            .Select(b => (BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(b.Start + 20)), BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(b.Start + 44))))
            .ToList();

    /// <summary>Each top-level moof whose tfhd has a base-data-offset: where the moof is, and that offset.</summary>
    private static List<(long MoofAt, long Base)> BaseDataOffsets(byte[] file) =>
        Box.Children(file, 0, file.Length).Where(b => b.Type == BoxType.Moof)
            // The tfhd's flags follow the moof's header, its mfhd, the traf's and the tfhd's own headers and version.
            .Where(b => (BinaryPrimitives.ReadUInt32BigEndian(file.AsSpan(b.Start + 40)) & 1) != 0)
            .Select(b => ((long)b.Start, (long)BinaryPrimitives.ReadUInt64BigEndian(file.AsSpan(b.Start + 48))))
            .ToList();

    private static async Task<DashHead> ReadHeadAsync(string path)
    {
        await using var file = File.OpenRead(path);
        return await DashHeadReader.ReadAsync(file, file.Length, TestContext.Current.CancellationToken);
    }

    private Task<string> MakeVideoAsync() => MakeAsync("video.mp4",
        ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=30:duration=3", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-g", "30",
         .. TestMedia.DashLayout]);

    private Task<string> MakeAudioAsync() => MakeAsync("audio.m4a",
        ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000:duration=3", "-c:a", "aac", "-b:a", "128k", .. TestMedia.DashAudioLayout]);

    private async Task<string> MakeAsync(string name, string[] arguments)
    {
        var path = Path.Combine(_folder, name);
        await MakeFromAsync(path, arguments);
        return path;
    }

    private static async Task MakeFromAsync(string path, string[] arguments)
    {
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        result.ExitCode.ShouldBe(0, result.StandardError);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
