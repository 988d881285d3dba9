using YtDownloader.Sources;

namespace YtDownloader.Pipeline;

/// <summary>What a job stores: MP4 video (the default), or audio only as M4A (AAC as is), MP3 (re-encoded) or Opus.</summary>
public enum OutputFormat { Mp4, M4a, Mp3, Opus }

public static class OutputFormats
{
    /// <summary>The quality name a request asks for audio only with.</summary>
    public const string AudioQuality = "audio";

    public static bool IsAudio(this OutputFormat format) => format != OutputFormat.Mp4;

    public static string Extension(this OutputFormat format) => format switch
    {
        OutputFormat.M4a => "m4a",
        OutputFormat.Mp3 => "mp3",
        OutputFormat.Opus => "opus",
        _ => "mp4",
    };

    public static string ContentType(this OutputFormat format) => format switch
    {
        OutputFormat.M4a => "audio/mp4",
        OutputFormat.Mp3 => "audio/mpeg",
        OutputFormat.Opus => "audio/ogg",
        _ => "video/mp4",
    };

    /// <summary>
    /// The request's <c>format</c> for its quality: audio-only formats go with quality "audio" (M4A when none is
    /// named), video with any other quality; <see langword="null"/> when the pair makes no sense.
    /// </summary>
    public static OutputFormat? For(string quality, string? format)
    {
        var audio = quality.Trim().Equals(AudioQuality, StringComparison.OrdinalIgnoreCase);
        return format?.Trim().ToLowerInvariant() switch
        {
            null or "" => audio ? OutputFormat.M4a : OutputFormat.Mp4,
            "m4a" or "aac" when audio => OutputFormat.M4a,
            "mp3" when audio => OutputFormat.Mp3,
            "opus" when audio => OutputFormat.Opus,
            "mp4" when !audio => OutputFormat.Mp4,
            _ => null,
        };
    }
}

/// <summary>An audio-only file a video can be stored as, and the stream it comes from.</summary>
public sealed record AudioChoice(OutputFormat Output, MediaFormat Source, bool NeedsConversion)
{
    /// <summary>How a request names it: "audio (mp3)".</summary>
    public string Name => $"{OutputFormats.AudioQuality} ({Output.Extension()})";
}
