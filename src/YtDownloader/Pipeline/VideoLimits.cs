using System.Globalization;
using Microsoft.Extensions.Options;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>
/// The duration and size limits, said to the user before they choose (a quality over the limit is offered as
/// unavailable, with the reason) and enforced once the streams are chosen, before a byte is downloaded. What the user
/// reads names no setting: that is for the operator, in the log.
/// </summary>
public sealed class VideoLimits(IOptions<VideoLimitsOptions> options, ILogger<VideoLimits> logger)
{
    /// <summary>Why this whole video cannot be taken (too long), or <see langword="null"/>.</summary>
    public string? DurationRefusal(VideoInfo video) =>
        video.Duration.TotalMinutes > options.Value.MaxDurationMinutes
            ? $"This video is {Duration(video.Duration)} long; this server takes videos up to {Duration(TimeSpan.FromMinutes(options.Value.MaxDurationMinutes))}."
            : null;

    /// <summary>Why a download of about this many bytes cannot be taken (too large), or <see langword="null"/>.</summary>
    public string? SizeRefusal(long? bytes) =>
        bytes > options.Value.MaxBytes ? $"{Size(bytes.Value)}: over this server's {Size(options.Value.MaxBytes)} limit" : null;

    /// <summary>What the page shows beside one choice: the video's refusal when it is too long, else this choice's size refusal.</summary>
    public string? Unavailable(VideoInfo video, long? bytes) => DurationRefusal(video) ?? SizeRefusal(bytes);

    public void Check(VideoInfo video, DownloadPlan plan)
    {
        var limits = options.Value;
        if (DurationRefusal(video) is { } tooLong)
        {
            logger.LogInformation("Refused video {VideoId}: it lasts {Minutes:0.#} min, over Limits__MaxDurationMinutes ({Limit})",
                video.Id, video.Duration.TotalMinutes, limits.MaxDurationMinutes);
            throw new VideoTooLongException(tooLong);
        }

        var size = EstimatedBytes(plan.Video, video.Duration) + (plan.Audio is { } audio ? EstimatedBytes(audio, video.Duration) : 0);
        if (SizeRefusal(size) is { } tooLarge)
        {
            logger.LogInformation("Refused video {VideoId} at {Quality}: about {Bytes} bytes, over Limits__MaxBytes ({Limit})",
                video.Id, plan.Quality, size, limits.MaxBytes);
            throw new VideoTooLargeException($"At {plan.Quality} this video is {tooLarge}: choose a lower quality.");
        }
    }

    /// <summary>The announced size, else what the bitrate and duration imply, else nothing to go by.</summary>
    private static long EstimatedBytes(MediaFormat format, TimeSpan duration) =>
        format.ContentLength ?? (long)((format.Bitrate ?? 0) / 8.0 * duration.TotalSeconds);

    /// <summary>"3 h 12 min", "2 h", "45 min", "30 s": as a person says a duration.</summary>
    internal static string Duration(TimeSpan duration)
    {
        if (duration.TotalMinutes < 1)
            return $"{Math.Round(duration.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s";
        var minutes = (long)Math.Round(duration.TotalMinutes);
        var (hours, rest) = (minutes / 60, minutes % 60);
        return hours == 0 ? $"{rest} min" : rest == 0 ? $"{hours} h" : $"{hours} h {rest} min";
    }

    /// <summary>"1.9 GB", "1 GB", "350 MB": decimal units, at most one decimal.</summary>
    internal static string Size(long bytes)
    {
        var (value, unit) = bytes switch
        {
            >= 1_000_000_000 => (bytes / 1e9, "GB"),
            >= 1_000_000 => (bytes / 1e6, "MB"),
            >= 1_000 => (bytes / 1e3, "kB"),
            _ => (bytes, "bytes"),
        };
        return $"{value.ToString("0.#", CultureInfo.InvariantCulture)} {unit}";
    }
}
