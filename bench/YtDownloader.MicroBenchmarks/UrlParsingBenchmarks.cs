using BenchmarkDotNet.Attributes;
using YtDownloader.Urls;

namespace YtDownloader.MicroBenchmarks;

/// <summary>Turning what a user pastes into a video ID: every GET /api/video and upload starts here.</summary>
[MemoryDiagnoser]
public class UrlParsingBenchmarks
{
    [Params(
        "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s",
        "https://youtu.be/dQw4w9WgXcQ?si=Xy12",
        "https://m.youtube.com/shorts/dQw4w9WgXcQ",
        "dQw4w9WgXcQ",
        "https://example.com/watch?v=dQw4w9WgXcQ")]
    public string Input { get; set; } = "";

    [Benchmark]
    public VideoIdParseResult Inspect() => VideoId.Inspect(Input);
}
