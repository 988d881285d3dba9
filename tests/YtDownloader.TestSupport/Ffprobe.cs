using System.Text.Json;
using CliWrap;
using CliWrap.Buffered;

namespace YtDownloader.IntegrationTests.TestSupport;

public sealed record ProbedStream(string CodecType, string CodecName, int? Width, int? Height);

public sealed record ProbeResult(string FormatName, double Duration, IReadOnlyList<ProbedStream> Streams)
{
    public ProbedStream Video => Streams.Single(s => s.CodecType == "video");
    public ProbedStream Audio => Streams.Single(s => s.CodecType == "audio");
}

/// <summary>Asks the real ffprobe what a file holds.</summary>
public static class Ffprobe
{
    public static async Task<ProbeResult> ProbeAsync(string path)
    {
        var result = await Cli.Wrap("ffprobe")
            .WithArguments(["-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height:format=format_name,duration", "-of", "json", path])
            .WithValidation(CommandResultValidation.None)
            .ExecuteBufferedAsync();
        if (result.ExitCode != 0)
            throw new InvalidOperationException($"ffprobe could not read {path}: {result.StandardError}");

        using var json = JsonDocument.Parse(result.StandardOutput);
        var format = json.RootElement.GetProperty("format");
        var streams = json.RootElement.GetProperty("streams").EnumerateArray().Select(s => new ProbedStream(
            s.GetProperty("codec_type").GetString()!,
            s.GetProperty("codec_name").GetString()!,
            s.TryGetProperty("width", out var w) ? w.GetInt32() : null,
            s.TryGetProperty("height", out var h) ? h.GetInt32() : null)).ToList();
        return new ProbeResult(
            format.GetProperty("format_name").GetString()!,
            double.Parse(format.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture),
            streams);
    }
}
