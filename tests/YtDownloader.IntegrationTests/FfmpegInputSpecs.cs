using Microsoft.Extensions.Logging.Abstractions;
using YtDownloader.IntegrationTests.TestSupport;
using YtDownloader.Pipeline;
using YtDownloader.Sources;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Which inputs ffmpeg takes through its stdin (those it reads front to back) and which from the feed's HTTP server
/// (those it must seek in), decided from the head of each real stream as the fake origin serves it.
/// </summary>
public sealed class FfmpegInputSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>, IAsyncLifetime
{
    private const string ProgressiveSet = "pipeprogres";
    private readonly TestMedia _progressive = new(MediaShape.Progressive);

    public async ValueTask InitializeAsync()
    {
        await _progressive.InitializeAsync();
        fixture.Origin.MediaSets[ProgressiveSet] = _progressive;
    }

    public async ValueTask DisposeAsync()
    {
        fixture.Origin.MediaSets.TryRemove(ProgressiveSet, out _);
        await _progressive.DisposeAsync();
    }

    [Theory]
    [InlineData(MediaShape.Dash, "Video1080", true)] // ftyp, moov, sidx, fragments
    [InlineData(MediaShape.Dash, "Muxed360", true)] // +faststart: the moov before the media
    [InlineData(MediaShape.Dash, "Vp9At480", true)] // WebM: clusters in order
    [InlineData(MediaShape.Dash, "OpusAudio", true)]
    [InlineData(MediaShape.Progressive, "AacAudio", false)] // the moov after the media: ffmpeg jumps to it
    [InlineData(MediaShape.Progressive, "Video1080", true)]
    public async Task An_input_goes_through_stdin_only_when_ffmpeg_can_read_it_front_to_back(MediaShape shape, string file, bool piped)
    {
        var media = shape == MediaShape.Dash ? fixture.Media : _progressive;
        var stream = (MediaFile)typeof(TestMedia).GetProperty(file)!.GetValue(media)!;
        var format = FormatOf(stream, shape == MediaShape.Dash ? "" : ProgressiveSet);
        var options = new PipelineOptions();
        using var http = new HttpClient();
        await using var session = new MediaSession(http, format, MediaWindow.For(options), options, new BufferPool(mostKeptPerLength: 8), null, null, NullLogger.Instance);

        (await FfmpegMuxer.ReadsFrontToBackAsync(session, TestContext.Current.CancellationToken)).ShouldBe(piped, $"{stream.Name} ({format.Container})");
    }

    [Fact]
    public async Task A_piped_input_whose_download_fails_part_way_keeps_the_failure_before_ffmpeg_sees_its_stdin_close()
    {
        // Every try cut at the same byte: the session gives up after its retries, part of the stream already written.
        var stream = fixture.Media.Video1080;
        const long cutAt = 100_000;
        fixture.Origin.InjectAt(stream.Name, MediaFault.Drop, cutAt, times: 100);
        var options = new PipelineOptions { MaxRetries = 1, RetryDelay = TimeSpan.FromMilliseconds(10) };
        using var http = new HttpClient();
        await using var session = new MediaSession(http, FormatOf(stream, ""), MediaWindow.For(options), options, new BufferPool(mostKeptPerLength: 8), null, null, NullLogger.Instance);
        await using var feeds = new MuxFeedServer(NullLogger<MuxFeedServer>.Instance);
        using var feed = await feeds.RegisterAsync([session], _ => { }, TestContext.Current.CancellationToken);
        var stdin = new ClosingRecorder(() => feed.Failure);

        try
        {
            await feeds.PipeAsync(feed, 0, stdin);
        }
        finally
        {
            fixture.Origin.InjectAt(stream.Name, MediaFault.Drop, cutAt, times: 0);
        }

        stdin.FailureAtClose.ShouldNotBeNull("ffmpeg could have taken the early end for the input's end and exited 0");
        stdin.FailureAtClose.ShouldBeSameAs(feed.Failure);
        stdin.Written.ShouldBeInRange(1, cutAt);
    }

    /// <summary>The stream as a player response would list it, served by the fake origin from media set <paramref name="set"/> ("" for the fixture's).</summary>
    private MediaFormat FormatOf(MediaFile stream, string set)
    {
        var (container, videoCodec, audioCodec) = MediaFormat.ParseMimeType(stream.MimeType);
        return new MediaFormat(stream.Itag, new Uri(fixture.Origin.BaseUrl, $"/media/{stream.Name}?v={set}"), stream.MimeType, container, videoCodec, audioCodec,
            stream.Width, stream.Height, stream.Fps, stream.Bitrate, stream.Length, audioCodec is null ? null : 48000);
    }

    /// <summary>ffmpeg's stdin as the pipe sees it: counts what is written and notes the feed's failure at the moment it is closed.</summary>
    private sealed class ClosingRecorder(Func<Exception?> failure) : WriteOnlyStream
    {
        public long Written { get; private set; }
        public Exception? FailureAtClose { get; private set; }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Written += buffer.Length;
            return ValueTask.CompletedTask;
        }

        public override ValueTask DisposeAsync()
        {
            FailureAtClose ??= failure();
            return base.DisposeAsync();
        }
    }
}
