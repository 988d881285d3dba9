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
        var (container, videoCodec, audioCodec) = MediaFormat.ParseMimeType(stream.MimeType);
        var url = new Uri(fixture.Origin.BaseUrl, $"/media/{stream.Name}?v={(shape == MediaShape.Dash ? "" : ProgressiveSet)}");
        var format = new MediaFormat(stream.Itag, url, stream.MimeType, container, videoCodec, audioCodec,
            stream.Width, stream.Height, stream.Fps, stream.Bitrate, stream.Length, audioCodec is null ? null : 48000);
        var options = new PipelineOptions();
        using var http = new HttpClient();
        await using var session = new MediaSession(http, format, MediaWindow.For(options), options, new BufferPool(mostKeptPerLength: 8), null, null, NullLogger.Instance);

        (await FfmpegMuxer.ReadsFrontToBackAsync(session, TestContext.Current.CancellationToken)).ShouldBe(piped, $"{stream.Name} ({container})");
    }
}
