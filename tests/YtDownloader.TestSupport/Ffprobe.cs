using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace YtDownloader.IntegrationTests.TestSupport;

/// <param name="CodecName">"none" for a track ffprobe knows no codec of.</param>
/// <param name="AttachedPic">A cover picture, not a video stream.</param>
/// <param name="Tags">The stream's own tags: its language, and in Ogg the file's title, artist and the rest.</param>
public sealed record ProbedStream(
    string CodecType, string CodecName, int? Width, int? Height, bool AttachedPic, IReadOnlyDictionary<string, string> Tags)
{
    public string? Language => Tags.GetValueOrDefault("language");

    /// <summary>
    /// A picture or sound stream a player plays: not the cover, and not the empty track ffmpeg 5.1 leaves in a
    /// fragmented MP4 for its cover (no codec, no samples) beside the attached picture it reads back.
    /// </summary>
    public bool IsPlayable => !AttachedPic && CodecName != "none";
}

public sealed record ProbedChapter(double Start, string Title);

/// <summary>What two files holding the same streams must agree on, stream by stream: codec, picture or sound, length and packets.</summary>
public sealed record StreamFigures(string CodecType, string CodecName, int? Width, int? Height, int? SampleRate, double Duration, long Packets);

public sealed record ProbeResult(
    string FormatName, double Duration, IReadOnlyList<ProbedStream> Streams, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<ProbedChapter> Chapters)
{
    public ProbedStream Video => Streams.Single(s => s.CodecType == "video" && s.IsPlayable);
    public ProbedStream Audio => Streams.Single(s => s.CodecType == "audio");
}

/// <summary>Asks the real ffprobe what a file holds.</summary>
public static class Ffprobe
{
    public static async Task<ProbeResult> ProbeAsync(string path)
    {
        var result = await Cli.Wrap("ffprobe")
            .WithArguments([
                "-v", "error", "-show_chapters",
                "-show_entries", "stream=codec_type,codec_name,width,height:stream_disposition=attached_pic:stream_tags:format=format_name,duration:format_tags",
                "-of", "json", path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffprobe could not read {path}: {result.StandardError}");

        using var json = JsonDocument.Parse(result.StandardOutput);
        var format = json.RootElement.GetProperty("format");
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().Select(s => new ProbedStream(
            s.GetProperty("codec_type").GetString()!,
            s.TryGetProperty("codec_name", out var codec) ? codec.GetString()! : "none",
            s.TryGetProperty("width", out var w) ? w.GetInt32() : null,
            s.TryGetProperty("height", out var h) ? h.GetInt32() : null,
            s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var pic) && pic.GetInt32() == 1,
            TagsOf(s))).ToList();
        var tags = TagsOf(format);
        var chapters = json.RootElement.TryGetProperty("chapters", out var c)
            ? c.EnumerateArray().Select(ch => new ProbedChapter(
                double.Parse(ch.GetProperty("start_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
                ch.TryGetProperty("tags", out var ct) && ct.TryGetProperty("title", out var title) ? title.GetString()! : "")).ToList()
            : [];
        return new ProbeResult(
            format.GetProperty("format_name").GetString()!,
            double.Parse(format.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            streams, tags, chapters);
    }

    /// <summary>
    /// The playable streams of a file (not a cover), each with its duration and the packets ffprobe counts by reading
    /// them all; a stream whose duration the container does not tell is measured from its packets' timestamps.
    /// </summary>
    public static async Task<IReadOnlyList<StreamFigures>> StreamFiguresAsync(string path)
    {
        var result = await Cli.Wrap("ffprobe")
            .WithArguments([
                "-v", "error", "-count_packets",
                "-show_entries", "stream=codec_type,codec_name,width,height,sample_rate,duration,nb_read_packets:stream_disposition=attached_pic",
                "-of", "json", path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffprobe could not read {path}: {result.StandardError}");
        using var json = JsonDocument.Parse(result.StandardOutput);
        static double Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.GetString() is { } text && text != "N/A"
                ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
        return json.RootElement.GetProperty("streams").EnumerateArray()
            .Where(s => s.TryGetProperty("codec_name", out _)
                && !(s.TryGetProperty("disposition", out var d) && d.TryGetProperty("attached_pic", out var pic) && pic.GetInt32() == 1))
            .Select(s => new StreamFigures(
                s.GetProperty("codec_type").GetString()!,
                s.GetProperty("codec_name").GetString()!,
                s.TryGetProperty("width", out var w) ? w.GetInt32() : null,
                s.TryGetProperty("height", out var h) ? h.GetInt32() : null,
                double.IsNaN(Number(s, "sample_rate")) ? null : (int)Number(s, "sample_rate"),
                Number(s, "duration"),
                (long)Number(s, "nb_read_packets")))
            .ToList();
    }

    private static Dictionary<string, string> TagsOf(JsonElement element) =>
        element.TryGetProperty("tags", out var tags)
            ? tags.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A hash of the packets of the first video and the first audio stream (or of the streams named, "a:0"), whatever
    /// container holds them: the same for a source and for what the service stored from it by stream copy, and
    /// different for a byte out of place.
    /// </summary>
    public static async Task<string> MediaHashAsync(string path, params string[] streams)
    {
        string[] maps = [.. (streams.Length == 0 ? ["v:0", "a:0"] : streams).SelectMany(s => (string[])["-map", $"0:{s}"])];
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-v", "error", "-i", path, .. maps, "-c", "copy", "-f", "streamhash", "-hash", "sha256", "-"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not hash the packets of {path}: {result.StandardError}");
        return result.StandardOutput.Trim();
    }

    /// <summary>The text of a file's subtitle stream, as ffmpeg reads it back (SubRip: cue numbers, times, lines).</summary>
    public static async Task<string> SubtitleTextAsync(string path, int subtitleIndex)
    {
        var result = await Cli.Wrap("ffmpeg")
            .WithArguments(["-v", "error", "-i", path, "-map", $"0:s:{subtitleIndex}", "-f", "srt", "-"])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffmpeg could not read subtitle {subtitleIndex} of {path}: {result.StandardError}");
        return result.StandardOutput;
    }
}
