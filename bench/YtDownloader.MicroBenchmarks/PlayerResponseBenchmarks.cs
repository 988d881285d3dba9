using System.Text.Json;
using BenchmarkDotNet.Attributes;
using YtDownloader.Sources.Youtube;
using YtDownloader.Tests.TestSupport;
using YtDownloader.Urls;

namespace YtDownloader.MicroBenchmarks;

/// <summary>Reading a recorded InnerTube player response (42 KB, 7 formats) from its bytes into typed formats.</summary>
[MemoryDiagnoser]
public class PlayerResponseBenchmarks
{
    private static readonly VideoId Id = VideoId.Parse("it3OtbTxQk0");
    private byte[] _response = [];

    [GlobalSetup]
    public void LoadRecordedResponse() =>
        _response = File.ReadAllBytes(Fixtures.Path("2026-07_ratingsdisabled_it3OtbTxQk0", "reel-ANDROID.json"));

    [Benchmark]
    public int ParsePlayerResponse()
    {
        using var document = JsonDocument.Parse(_response);
        return PlayerResponse.Parse(document.RootElement, Id).Formats.Count;
    }
}
