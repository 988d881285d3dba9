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
        var header = MergedHeader.Write([head], audioOnly: false, Tags, null);

        await using var source = new MemoryStream(bytes) { Position = head.HeadBytes };
        await using var merged = new MergedMp4Stream(header, [(head, source)], null);

        (await Should.ThrowAsync<Mp4LayoutException>(() => merged.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken)))
            .Message.ShouldContain("another track");
    }

    private async Task<(MergedMp4Stream Merged, byte[] Bytes)> MergeAsync(string[] paths, Action<int>? onConsumed)
    {
        var inputs = new List<(DashHead, Stream)>();
        foreach (var path in paths)
        {
            var file = File.OpenRead(path);
            inputs.Add((await DashHeadReader.ReadAsync(file, file.Length, TestContext.Current.CancellationToken), file));
        }
        var header = MergedHeader.Write([.. inputs.Select(i => i.Item1)], audioOnly: false, Tags, null);
        var merged = new MergedMp4Stream(header, inputs, onConsumed);
        using var output = new MemoryStream();
        await merged.CopyToAsync(output, TestContext.Current.CancellationToken);
        foreach (var (_, file) in inputs)
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
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-y", "-hide_banner", "-loglevel", "error", .. arguments, path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync(TestContext.Current.CancellationToken);
        result.ExitCode.ShouldBe(0, result.StandardError);
        return path;
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
