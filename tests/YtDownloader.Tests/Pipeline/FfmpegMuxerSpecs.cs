using YtDownloader.Pipeline;
using YtDownloader.Sources;

namespace YtDownloader.Tests.Pipeline;

/// <summary>ffmpeg's command line, and the version that decides part of it.</summary>
public class FfmpegMuxerSpecs
{
    [Theory]
    [InlineData("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2025 the FFmpeg developers\nbuilt with gcc 12", 5)]
    [InlineData("ffmpeg version 4.4.2-0ubuntu0.22.04.1 Copyright (c) 2000-2021 the FFmpeg developers", 4)]
    [InlineData("ffmpeg version 6.1.1-3ubuntu5 Copyright (c) 2000-2023 the FFmpeg developers", 6)]
    [InlineData("ffmpeg version n7.1 Copyright (c) 2000-2024 the FFmpeg developers", 7)]
    [InlineData("ffmpeg version 7.1.1-essentials_build-www.gyan.dev Copyright (c) 2000-2025", 7)]
    [InlineData("ffmpeg version N-113000-g1a2b3c4d5e Copyright (c) 2000-2024 the FFmpeg developers", null)]
    [InlineData("ffmpeg version git-2024-01-01-1a2b3c4", null)]
    [InlineData("avconv version 12.3, Copyright (c) 2000-2018 the Libav developers", null)]
    [InlineData("", null)]
    public void The_major_version_is_read_from_the_first_line_of_ffmpeg_version(string output, int? major) =>
        FfmpegVersion.MajorOf(output).ShouldBe(major);

    public static TheoryData<string, DownloadPlan, bool, int> Plans => new()
    {
        { "a merge, with a cover and two subtitle tracks", Plan(withAudio: true), true, 6 },
        { "a merge, with a cover and two subtitle tracks", Plan(withAudio: true), false, 6 },
        { "one stream into M4A, with a cover", Plan(withAudio: false, OutputFormat.M4a), true, 3 },
        { "one stream into MP3, with a cover", Plan(withAudio: false, OutputFormat.Mp3), false, 2 },
    };

    [Theory]
    [MemberData(nameof(Plans))]
    public void Every_input_and_only_inputs_are_read_on_the_main_thread_when_asked(
        string _, DownloadPlan plan, bool inputsOnMainThread, int inputCount)
    {
        var feed = new FeedRegistration("token", [], new Uri("http://127.0.0.1:9/"), _ => { }, _ => { });
        (string Language, string Path)[] subtitles = plan.Output == OutputFormat.Mp4 ? [("eng", "/tmp/s0.vtt"), ("deu", "/tmp/s1.vtt")] : [];
        var cover = plan.Output == OutputFormat.Mp3 ? null : "/tmp/cover.jpg";
        var arguments = FfmpegMuxer.Arguments(
            plan, feed, new FfmpegMuxer.ExtraFiles("/tmp/metadata.txt", cover, subtitles), inputsOnMainThread, firstInputPiped: false);

        var inputs = Enumerable.Range(0, arguments.Length).Where(i => arguments[i] == "-i").ToArray();
        inputs.Length.ShouldBe(inputCount);
        inputs.Select(i => arguments[i + 1]).ShouldContain(feed.UrlOf(0).ToString());
        var queueSizes = Enumerable.Range(0, arguments.Length).Where(i => arguments[i] == "-thread_queue_size").ToArray();
        if (!inputsOnMainThread)
        {
            queueSizes.ShouldBeEmpty();
            return;
        }
        queueSizes.Select(i => arguments[i + 1]).ShouldAllBe(size => size == "0");
        // Each input's own options stand between its -thread_queue_size and its -i, never another input's.
        queueSizes.Length.ShouldBe(inputCount);
        for (var k = 0; k < inputCount; k++)
        {
            queueSizes[k].ShouldBeLessThan(inputs[k]);
            if (k > 0)
                queueSizes[k].ShouldBeGreaterThan(inputs[k - 1]);
        }
        arguments[^1].ShouldBe("pipe:1");
    }

    [Theory]
    [InlineData(true, "pipe:0")]
    [InlineData(false, "http://127.0.0.1:9/token/0")]
    public void The_first_input_is_read_from_stdin_when_piped_and_the_second_always_from_the_feed(bool piped, string firstInput)
    {
        var feed = new FeedRegistration("token", [], new Uri("http://127.0.0.1:9/"), _ => { }, _ => { });
        var arguments = FfmpegMuxer.Arguments(
            Plan(withAudio: true), feed, new FfmpegMuxer.ExtraFiles("/tmp/metadata.txt", null, []), inputsOnMainThread: true, piped);

        var sources = Enumerable.Range(0, arguments.Length).Where(i => arguments[i] == "-i").Select(i => arguments[i + 1]).ToArray();
        sources.ShouldBe([firstInput, "http://127.0.0.1:9/token/1", "file:/tmp/metadata.txt"]);
    }

    private static DownloadPlan Plan(bool withAudio, OutputFormat output = OutputFormat.Mp4)
    {
        var video = new MediaFormat(137, new Uri("https://example.googlevideo.com/videoplayback?itag=137"), "video/mp4; codecs=\"avc1.640028\"",
            "mp4", "avc1.640028", null, 1920, 1080, 30, 4_000_000, ContentLength: null, AudioSampleRate: null, true);
        var audio = new MediaFormat(140, new Uri("https://example.googlevideo.com/videoplayback?itag=140"), "audio/mp4; codecs=\"mp4a.40.2\"",
            "m4a", null, "mp4a.40.2", null, null, null, 128_000, ContentLength: null, AudioSampleRate: 44100, true);
        return withAudio ? new DownloadPlan("1080p", video, audio, null, output) : new DownloadPlan("audio", audio, null, null, output);
    }
}
