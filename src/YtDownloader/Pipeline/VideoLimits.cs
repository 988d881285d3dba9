using Microsoft.Extensions.Options;
using YtDownloader.Security;
using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>Refuses videos over the configured duration or size once the streams are chosen, before a byte is downloaded.</summary>
public sealed class VideoLimits(IOptions<LimitsOptions> options)
{
    public void Check(VideoInfo video, DownloadPlan plan)
    {
        var limits = options.Value;
        if (video.Duration.TotalMinutes > limits.MaxDurationMinutes)
            throw new VideoTooLargeException(
                $"This video lasts {Describe(video.Duration)}, longer than the {limits.MaxDurationMinutes:0.##} minutes this service accepts (Limits__MaxDurationMinutes).");

        var size = EstimatedBytes(plan.Video, video.Duration) + (plan.Audio is { } audio ? EstimatedBytes(audio, video.Duration) : 0);
        if (size > limits.MaxBytes)
            throw new VideoTooLargeException(
                $"At {plan.Quality} this video is about {size / 1e6:0.#} MB, more than the {limits.MaxBytes / 1e6:0.#} MB this service accepts "
                + "(Limits__MaxBytes): choose a lower quality.");
    }

    /// <summary>The announced size, else what the bitrate and duration imply, else nothing to go by.</summary>
    private static long EstimatedBytes(MediaFormat format, TimeSpan duration) =>
        format.ContentLength ?? (long)((format.Bitrate ?? 0) / 8.0 * duration.TotalSeconds);

    private static string Describe(TimeSpan duration) =>
        duration.TotalHours >= 1 ? $"{(int)duration.TotalHours} h {duration.Minutes} min" : $"{duration.TotalMinutes:0.#} min";
}
