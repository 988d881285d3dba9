using YtDownloader.Sources;

namespace YtDownloader.Tests.Sources;

public class MediaFormatSpecs
{
    [Theory]
    [InlineData("video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"", "mp4", "avc1.42001E", "mp4a.40.2")]
    [InlineData("video/mp4; codecs=\"avc1.640028\"", "mp4", "avc1.640028", null)]
    [InlineData("video/webm; codecs=\"vp9\"", "webm", "vp9", null)]
    [InlineData("video/mp4; codecs=\"vp09.00.51.08.01.01.01.01.00\"", "mp4", "vp09.00.51.08.01.01.01.01.00", null)]
    [InlineData("video/mp4; codecs=\"av01.0.08M.08\"", "mp4", "av01.0.08M.08", null)]
    [InlineData("audio/mp4; codecs=\"mp4a.40.2\"", "m4a", null, "mp4a.40.2")]
    [InlineData("audio/mp4; codecs=\"ec-3\"", "m4a", null, "ec-3")]
    [InlineData("audio/webm; codecs=\"opus\"", "webm", null, "opus")]
    [InlineData("video/webm; codecs=\"vp8.0, vorbis\"", "webm", "vp8.0", "vorbis")]
    [InlineData("video/3gpp; codecs=\"mp4v.20.3, mp4a.40.2\"", "3gpp", "mp4v.20.3", "mp4a.40.2")]
    [InlineData("video/mp4; codecs=avc1.4d401f", "mp4", "avc1.4d401f", null)]
    [InlineData("VIDEO/MP4; CODECS=\"avc1.4D401F\"", "mp4", "avc1.4D401F", null)]
    [InlineData("AUDIO/MP4; codecs=\"mp4a.40.5\"", "m4a", null, "mp4a.40.5")]
    [InlineData("video/mp4", "mp4", null, null)]
    [InlineData("audio/mp4", "m4a", null, null)]
    [InlineData("video/mp4; codecs=\"\"", "mp4", null, null)]
    [InlineData("", "", null, null)]
    public void I_can_split_a_mime_type_into_container_and_codecs(string mimeType, string container, string? videoCodec, string? audioCodec)
    {
        var parsed = MediaFormat.ParseMimeType(mimeType);

        parsed.ShouldBe((container, videoCodec, audioCodec));
    }

    [Theory]
    [InlineData("video/mp4; codecs=\"avc1.42001E, mp4a.40.2\"", true, true, true, true, true)]
    [InlineData("video/mp4; codecs=\"avc1.640028\"", true, false, false, true, false)]
    [InlineData("video/webm; codecs=\"vp9\"", true, false, false, false, false)]
    [InlineData("audio/mp4; codecs=\"mp4a.40.2\"", false, true, false, false, true)]
    [InlineData("audio/webm; codecs=\"opus\"", false, true, false, false, false)]
    public void I_can_tell_what_a_format_holds_from_its_codecs(string mimeType, bool hasVideo, bool hasAudio, bool isMuxed, bool isH264, bool isAac)
    {
        var format = Format(mimeType, width: hasVideo ? 1280 : null, height: hasVideo ? 720 : null);

        format.HasVideo.ShouldBe(hasVideo);
        format.HasAudio.ShouldBe(hasAudio);
        format.IsMuxed.ShouldBe(isMuxed);
        format.IsH264.ShouldBe(isH264);
        format.IsAac.ShouldBe(isAac);
        format.Resolution.ShouldBe(hasVideo ? "1280x720" : null);
    }

    [Theory]
    [InlineData(1080, 1920, "1080x1920")]
    [InlineData(256, 144, "256x144")]
    [InlineData(null, 144, null)]
    [InlineData(256, null, null)]
    public void I_name_a_resolution_width_by_height(int? width, int? height, string? resolution)
    {
        Format("video/mp4; codecs=\"avc1.4d400c\"", width, height).Resolution.ShouldBe(resolution);
    }

    private static MediaFormat Format(string mimeType, int? width, int? height)
    {
        var (container, video, audio) = MediaFormat.ParseMimeType(mimeType);
        return new MediaFormat(1, new Uri("https://example.googlevideo.com/videoplayback"), mimeType, container, video, audio,
            width, height, Fps: null, Bitrate: null, ContentLength: null, AudioSampleRate: null);
    }
}
