using YtDownloader.Sources;

namespace YtDownloader.Pipeline.Mp4;

/// <summary>
/// The merge without ffmpeg, for the common case: YouTube's H.264 video and AAC audio streams are DASH fragmented
/// MP4, and putting two of them in one fragmented MP4 (or one in an M4A) is a rewrite of a few boxes, no codec.
/// Only when both heads read as that case; anything else (VP9, Opus, WebM, an index at the end, subtitle tracks to
/// embed) is ffmpeg's, decided before the first byte of the file; a fragment met later that we cannot carry sends the
/// whole file to ffmpeg again (<see cref="VideoPipeline"/>), so that a stream we cannot carry is never a wrong file.
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
        var inputs = new List<(DashHead Head, Stream Source)>(wanted.Length);
        for (var i = 0; i < wanted.Length; i++)
        {
            var source = wanted[i].OpenRead();
            try
            {
                var head = await DashHeadReader.ReadAsync(source, await wanted[i].GetLengthAsync(cancellationToken), cancellationToken);
                if (head.Track.Handler != handlers[i])
                    throw new Mp4LayoutException($"It holds {BoxType.NameOf(head.Track.Handler)}, not {BoxType.NameOf(handlers[i])}.");
                inputs.Add((head, source));
            }
            catch (Mp4LayoutException ex)
            {
                logger.LogDebug("Stream {Itag}: merged by ffmpeg, not a DASH stream we carry: {Reason}", wanted[i].Format.Itag, ex.Message);
                return null;
            }
        }

        // Ours from here: each input is read once, front to back, by the reader that read its head.
        foreach (var session in wanted)
            session.ExpectReadingInOrder();
        var header = MergedHeader.Write([.. inputs.Select(i => i.Head)], audioOnly: audio is null, extras.Tags, extras.Cover);
        var merged = new MergedMp4Stream(header, inputs, onConsumed);
        logger.LogDebug("Streams {Itags}: merged in-process into {Bytes} bytes, {Fragments} subsegments",
            string.Join("+", wanted.Select(w => w.Format.Itag)), merged.Length, inputs.Sum(i => i.Head.Subsegments.Count));
        return merged;
    }

    /// <summary>Why the plan is ffmpeg's whatever its streams hold, or null when their heads decide.</summary>
    private static string? WhyNot(DownloadPlan plan, FileExtras extras) => plan switch
    {
        { Output: OutputFormat.Mp4, Audio: null } => "one stream carries both picture and sound",
        { Output: OutputFormat.Mp4 } when extras.Subtitles.Count > 0 => "subtitle tracks are embedded",
        { Output: OutputFormat.Mp4, Video: { IsH264: false } or { HasAudio: true } } => "the video is not H.264 alone",
        { Output: OutputFormat.Mp4, Audio: { IsAac: false } or { HasVideo: true } } => "the audio is not AAC alone",
        { Output: OutputFormat.Mp4 } => null,
        { Output: OutputFormat.M4a, Audio: null, Video: { IsAac: true, HasVideo: false } } => null,
        _ => $"the {plan.Output.Extension()} file is not an AAC stream as it is",
    };
}
