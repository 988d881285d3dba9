using YtDownloader.Sources;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The merge without ffmpeg, for the streams YouTube serves: its H.264 video and AAC audio streams are DASH fragmented
/// MP4, and putting two of them in one fragmented MP4 (or one in an M4A) is a rewrite of a few boxes, no codec; its
/// AV1 is DASH MP4 like its H.264; its VP9 video (every quality above 1080p) and Opus sound are WebM, whose blocks
/// become MP4 fragments as they are (<see cref="WebmInput"/>). Only when both heads read as one of these; anything
/// else (an index at the end, a muxed stream, subtitle tracks to embed) is ffmpeg's, decided before the first byte of
/// the file; a fragment met later that we cannot carry sends the whole file to ffmpeg again
/// (<see cref="VideoPipeline"/>), so that a stream we cannot carry is never a wrong file.
/// </summary>
public sealed class Mp4Merger(ILogger<Mp4Merger> logger)
{
    /// <summary>
    /// The file the plan asks for, as a stream of known length, when the merge is ours; null when it is ffmpeg's.
    /// Reads the heads of the streams from their sessions, which keep what they fetched for ffmpeg if it comes to that.
    /// </summary>
    /// <param name="onConsumed">Told each time bytes of an input are read into the file.</param>
    public async Task<MergedMp4Stream?> TryOpenAsync(
        DownloadPlan plan, MediaSession media, MediaSession? audio, FileExtras extras, Action<int> onConsumed, CancellationToken cancellationToken)
    {
        if (WhyNot(plan, extras) is { } reason)
        {
            logger.LogDebug("Stream {Itag}: merged by ffmpeg, {Reason}", plan.Video.Itag, reason);
            return null;
        }
        var wanted = audio is null ? (MediaSession[])[media] : [media, audio];
        var handlers = audio is null ? (uint[])[BoxType.Soun] : [BoxType.Vide, BoxType.Soun];
        var inputs = new List<MergeInput>(wanted.Length);
        for (var i = 0; i < wanted.Length; i++)
        {
            var source = wanted[i].OpenRead();
            try
            {
                MergeInput input = wanted[i].Format.Container == "webm"
                    ? await WebmInput.OpenAsync(source, cancellationToken)
                    : new DashInput(await DashHeadReader.ReadAsync(source, await wanted[i].GetLengthAsync(cancellationToken), cancellationToken), source);
                if (input.Handler != handlers[i])
                    throw new Mp4LayoutException($"It holds {BoxType.NameOf(input.Handler)}, not {BoxType.NameOf(handlers[i])}.");
                inputs.Add(input);
            }
            catch (Mp4LayoutException ex)
            {
                logger.LogDebug("Stream {Itag}: merged by ffmpeg, not a stream we carry: {Reason}", wanted[i].Format.Itag, ex.Message);
                return null;
            }
        }

        // Ours from here: each input is read once, front to back, by the reader that read its head.
        foreach (var session in wanted)
            session.ExpectReadingInOrder();
        var merged = new MergedMp4Stream(inputs, audioOnly: audio is null, extras.Tags, extras.Cover, onConsumed);
        logger.LogDebug("Streams {Itags}: merged in-process into {Bytes} bytes",
            string.Join("+", wanted.Select(w => w.Format.Itag)), merged.KnownLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "an unknown number of");
        return merged;
    }

    /// <summary>Why the plan is ffmpeg's whatever its streams hold, or null when their heads decide.</summary>
    private static string? WhyNot(DownloadPlan plan, FileExtras extras) => plan switch
    {
        { Output: OutputFormat.Mp4, Audio: null } => "one stream carries both picture and sound",
        { Output: OutputFormat.Mp4 } when extras.Subtitles.Count > 0 => "subtitle tracks are embedded",
        { Output: OutputFormat.Mp4, Video.HasAudio: true } or { Output: OutputFormat.Mp4, Audio.HasVideo: true } => "a stream carries both picture and sound",
        { Output: OutputFormat.Mp4, Video: var video } when !CarriesVideo(video) => $"the video is {FormatSelector.CodecName(video.VideoCodec)} in {video.Container}",
        { Output: OutputFormat.Mp4, Audio: { } sound } when !CarriesSound(sound) => $"the sound is {FormatSelector.CodecName(sound.AudioCodec)} in {sound.Container}",
        { Output: OutputFormat.Mp4 } => null,
        { Output: OutputFormat.M4a, Audio: null, Video: { IsAac: true, HasVideo: false } } => null,
        _ => $"the {plan.Output.Extension()} file is not an AAC stream as it is",
    };

    /// <summary>H.264 or AV1 in MP4, VP9 in WebM: YouTube's streams up to 1080p, above it, and (AV1) at 8K.</summary>
    private static bool CarriesVideo(MediaFormat video) =>
        video.Container == "webm" ? FormatSelector.CodecName(video.VideoCodec) == "VP9" : video.IsH264 || FormatSelector.CodecName(video.VideoCodec) == "AV1";

    /// <summary>AAC in M4A or Opus in WebM.</summary>
    private static bool CarriesSound(MediaFormat sound) =>
        sound.Container == "webm" ? FormatSelector.CodecName(sound.AudioCodec) == "Opus" : sound.IsAac;
}
