using BenchmarkDotNet.Attributes;
using YtDownloader.Urls;

namespace YtDownloader.MicroBenchmarks;

/// <summary>Turning what a user pastes into a video ID: every GET /api/video and upload starts here.</summary>
[MemoryDiagnoser]
public class UrlParsingBenchmarks
{
    public static IEnumerable<UrlCase> Cases =>
    [
        new("watch", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42s"),
        new("youtu.be", "https://youtu.be/dQw4w9WgXcQ?si=Xy12"),
        new("shorts", "https://m.youtube.com/shorts/dQw4w9WgXcQ"),
        new("bare ID", "dQw4w9WgXcQ"),
        new("other site", "https://example.com/watch?v=dQw4w9WgXcQ"),
    ];

    [ParamsSource(nameof(Cases))]
    public UrlCase Input { get; set; } = null!;

    [Benchmark]
    public VideoIdParseResult Inspect() => VideoId.Inspect(Input.Url);
}

/// <summary>A URL shape, shown by its short name in the results.</summary>
public sealed record UrlCase(string Name, string Url)
{
    public override string ToString() => Name;
}
