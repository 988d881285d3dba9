using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// What will be downloaded for one quality: a muxed stream alone, a video stream plus an audio stream, or for
/// audio only (<see cref="Output"/> not MP4) the one stream in <see cref="Video"/> that carries the sound.
/// </summary>
public sealed record DownloadPlan(string Quality, MediaFormat Video, MediaFormat? Audio, string? Note, OutputFormat Output = OutputFormat.Mp4)
{
    public bool NeedsMerge => Audio is not null;

    /// <summary>
    /// Whether the single stream changes container or codec: MP3 is encoded, Opus moves from WebM into Ogg, and AAC
    /// when it comes inside a video; an AAC audio stream keeps its container (ffmpeg only adds the tags and cover).
    /// </summary>
    public bool NeedsConversion => Output switch
    {
        OutputFormat.Mp3 or OutputFormat.Opus => true,
        OutputFormat.M4a => Video.HasVideo || Video.Container != "m4a",
        _ => false,
    };

    /// <summary>Bytes to fetch from the source, when it tells the sizes.</summary>
    public long? SourceBytes => NeedsMerge ? Video.ContentLength + Audio!.ContentLength : Video.ContentLength;
}

/// <summary>
/// Picks streams the way an MP4 user wants them: a muxed MP4 when one exists at that resolution, else H.264
/// video with AAC audio, and VP9 or AV1 only where YouTube has no H.264 at that resolution.
/// </summary>
public static class FormatSelector
{
    /// <summary>One entry per resolution (the MP4-friendliest), or every video format when <paramref name="all"/> is set.</summary>
    public static IReadOnlyList<MediaFormat> ListQualities(VideoInfo video, bool all)
    {
        var withVideo = video.Formats.Where(f => f.HasVideo && f.Resolution is not null);
        if (all)
            return withVideo.OrderByDescending(f => f.Height).ThenByDescending(f => f.Width).ThenBy(Preference).ThenByDescending(f => f.Bitrate).ToList();
        return withVideo
            .GroupBy(f => f.Resolution!)
            .Select(g => g.OrderBy(Preference).ThenByDescending(f => f.Fps).ThenByDescending(f => f.Bitrate).First())
            .OrderByDescending(f => f.Height)
            .ThenByDescending(f => f.Width)
            .ToList();
    }

    public static DownloadPlan Choose(VideoInfo video, string quality, OutputFormat output = OutputFormat.Mp4)
    {
        if (output.IsAudio())
            return ChooseAudio(video, output);
        var available = ListQualities(video, all: false);
        var resolution = Normalize(quality, available);
        var candidates = video.Formats.Where(f => f.HasVideo && f.Resolution == resolution).ToList();
        if (resolution is null || candidates.Count == 0)
            throw new UnknownQualityException(quality, available.Select(f => f.Resolution!).ToList());

        var muxed = candidates.Where(f => f.IsMuxed && f.Container == "mp4").OrderByDescending(f => f.Bitrate).FirstOrDefault();
        if (muxed is not null)
            return new DownloadPlan(resolution, muxed, null, null);

        var videoOnly = candidates.Where(f => !f.HasAudio).OrderBy(Preference).ThenByDescending(f => f.Fps).ThenByDescending(f => f.Bitrate).FirstOrDefault()
            ?? candidates.OrderBy(Preference).First();
        var audio = BestAudio(video, preferAac: true);
        if (audio is null)
            throw new UnknownQualityException(quality, []);

        string? note = null;
        if (!videoOnly.IsH264)
            note = $"YouTube has no H.264 stream at {resolution}: the MP4 holds {CodecName(videoOnly.VideoCodec)} video, which some older devices cannot play.";
        if (!audio.IsAac)
            note = (note is null ? "" : note + " ") + $"No AAC audio exists: the MP4 holds {CodecName(audio.AudioCodec)} audio.";
        return new DownloadPlan(resolution, videoOnly, audio, note);
    }

    /// <summary>
    /// Audio only: M4A takes the best AAC stream as it is (or the AAC inside a muxed MP4 when there is no
    /// audio-only AAC), Opus the best Opus stream, MP3 the best stream of all to encode from.
    /// </summary>
    public static DownloadPlan ChooseAudio(VideoInfo video, OutputFormat output) =>
        AudioSource(video, output) is { } source
            ? new DownloadPlan(OutputFormats.AudioQuality, source, null, null, output)
            : throw new UnknownQualityException($"{OutputFormats.AudioQuality} ({output.Extension()})", AudioChoices(video).Select(c => c.Name).ToList());

    /// <summary>The audio-only files this video can be stored as, each with the stream it would come from.</summary>
    public static IReadOnlyList<AudioChoice> AudioChoices(VideoInfo video) =>
        ((OutputFormat[])[OutputFormat.M4a, OutputFormat.Mp3, OutputFormat.Opus])
            .Select(output => AudioSource(video, output) is { } source
                ? new AudioChoice(output, source, new DownloadPlan(OutputFormats.AudioQuality, source, null, null, output).NeedsConversion)
                : null)
            .OfType<AudioChoice>()
            .ToList();

    private static MediaFormat? AudioSource(VideoInfo video, OutputFormat output)
    {
        var audioOnly = video.Formats.Where(f => f.HasAudio && !f.HasVideo).ToList();
        MediaFormat? Best(Func<MediaFormat, bool> fits) =>
            audioOnly.Where(fits).OrderByDescending(f => f.IsDefaultAudioTrack).ThenByDescending(f => f.Bitrate).FirstOrDefault();
        MediaFormat? Muxed(Func<MediaFormat, bool> fits) =>
            video.Formats.Where(f => f.IsMuxed && fits(f)).OrderByDescending(f => f.Bitrate).FirstOrDefault();
        return output switch
        {
            OutputFormat.M4a => Best(f => f.IsAac) ?? Muxed(f => f.IsAac),
            OutputFormat.Opus => Best(f => f.AudioCodec!.StartsWith("opus", StringComparison.OrdinalIgnoreCase)),
            _ => Best(_ => true) ?? Muxed(_ => true),
        };
    }

    /// <summary>The audio-only stream to pair with a video-only one: the default track, AAC when there is one, highest bitrate.</summary>
    public static MediaFormat? BestAudio(VideoInfo video, bool preferAac) =>
        video.Formats
            .Where(f => f.HasAudio && !f.HasVideo)
            .OrderByDescending(f => f.IsDefaultAudioTrack)
            .ThenByDescending(f => preferAac && f.IsAac)
            .ThenByDescending(f => f.Bitrate)
            .FirstOrDefault();

    /// <summary>Lower is better: muxed MP4, then H.264, then other MP4-muxable codecs, then anything else.</summary>
    private static int Preference(MediaFormat f) =>
        (f.IsMuxed && f.Container == "mp4") ? 0
        : f.IsH264 ? 1
        : f.VideoCodec?.StartsWith("vp9", StringComparison.OrdinalIgnoreCase) == true || f.VideoCodec?.StartsWith("vp09", StringComparison.OrdinalIgnoreCase) == true ? 2
        : f.VideoCodec?.StartsWith("av01", StringComparison.OrdinalIgnoreCase) == true ? 3
        : 4;

    /// <summary>Accepts "1280x720", "720p", "720p60" or "720" and returns the matching resolution key.</summary>
    private static string? Normalize(string quality, IReadOnlyList<MediaFormat> available)
    {
        var q = quality.Trim().ToLowerInvariant();
        if (available.FirstOrDefault(f => f.Resolution == q) is { } exact)
            return exact.Resolution;
        var digits = new string(q.TakeWhile(char.IsAsciiDigit).ToArray());
        var rest = q[digits.Length..];
        if (digits.Length == 0 || !(rest is "" or "p" || (rest.StartsWith('p') && rest[1..].All(char.IsAsciiDigit))))
            return null;
        if (!int.TryParse(digits, System.Globalization.CultureInfo.InvariantCulture, out var height))
            return null;
        // "720p" means the short side, so portrait videos (Shorts) match too.
        return available.FirstOrDefault(f => Math.Min(f.Width ?? 0, f.Height ?? 0) == height)?.Resolution;
    }

    internal static string CodecName(string? codec) => codec?.Split('.')[0].ToLowerInvariant() switch
    {
        "vp9" or "vp09" => "VP9",
        "av01" => "AV1",
        "opus" => "Opus",
        "vorbis" => "Vorbis",
        var other => other ?? "unknown",
    };
}
