using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using YtDownloader.Sources;
using YtDownloader.Urls;

namespace YtDownloader.Tests.Sources;

public sealed class VideoInfoCacheSpecs
{
    private static readonly VideoId Id = VideoId.Parse("dQw4w9WgXcQ");
    private static readonly DateTimeOffset Start = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly CountingSource _source = new();

    private SourceChain Chain(TimeSpan? lifetime = null, int capacity = 1000) => new(
        [_source],
        new VideoInfoCache(Options.Create(new SourcesOptions { CacheLifetime = lifetime ?? TimeSpan.FromMinutes(5), CacheCapacity = capacity }), _time),
        new SourceHealth(_time, NullLogger<SourceHealth>.Instance),
        NullLogger<SourceChain>.Instance);

    [Fact]
    public async Task A_video_already_seen_is_answered_without_asking_the_source_again()
    {
        var chain = Chain();

        var first = await chain.GetVideoAsync(Id, CancellationToken.None);
        _time.Advance(TimeSpan.FromMinutes(4));
        var second = await chain.GetVideoAsync(Id, CancellationToken.None);

        second.ShouldBeSameAs(first);
        _source.Calls.ShouldBe(1);
    }

    // Lifetime 5 min and a margin of 1 min before URL expiry: the entry lasts until the earliest of the two.
    [Theory]
    [InlineData(null, null, 299, 1)]
    [InlineData(null, null, 300, 2)]
    [InlineData(3600, null, 299, 1)]
    [InlineData(180, null, 119, 1)]
    [InlineData(180, null, 120, 2)]
    [InlineData(null, 180, 119, 1)]
    [InlineData(null, 180, 120, 2)]
    [InlineData(600, 90, 29, 1)]
    [InlineData(600, 90, 30, 2)]
    [InlineData(null, 60, 0, 2)]
    [InlineData(30, null, 0, 2)]
    public async Task An_entry_never_outlives_the_stream_URLs_it_holds(int? urlExpiresIn, int? responseExpiresIn, int secondsLater, int expectedCalls)
    {
        _source.UrlExpiresIn = urlExpiresIn is { } u ? TimeSpan.FromSeconds(u) : null;
        _source.ResponseExpiresIn = responseExpiresIn is { } r ? TimeSpan.FromSeconds(r) : null;
        var chain = Chain();

        await chain.GetVideoAsync(Id, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(secondsLater));
        await chain.GetVideoAsync(Id, CancellationToken.None);

        _source.Calls.ShouldBe(expectedCalls);
    }

    [Fact]
    public async Task Concurrent_requests_for_the_same_video_make_one_call_to_the_source()
    {
        var chain = Chain();
        _source.Gate = new TaskCompletionSource();

        var lookups = Enumerable.Range(0, 20).Select(_ => chain.GetVideoAsync(Id, CancellationToken.None)).ToList();
        _source.Gate.SetResult();
        var videos = await Task.WhenAll(lookups);

        _source.Calls.ShouldBe(1);
        videos.Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task A_caller_that_gives_up_does_not_cancel_the_lookup_others_wait_for()
    {
        var chain = Chain();
        _source.Gate = new TaskCompletionSource();
        using var impatient = new CancellationTokenSource();

        var abandoned = chain.GetVideoAsync(Id, impatient.Token);
        var patient = chain.GetVideoAsync(Id, CancellationToken.None);
        await impatient.CancelAsync();
        _source.Gate.SetResult();

        await Should.ThrowAsync<OperationCanceledException>(abandoned);
        (await patient).Id.ShouldBe(Id);
        _source.Calls.ShouldBe(1);
    }

    [Fact]
    public async Task A_failure_is_shared_by_those_waiting_but_not_remembered()
    {
        var chain = Chain();
        _source.FailNext = true;

        var failure = await Should.ThrowAsync<AllSourcesFailedException>(chain.GetVideoAsync(Id, CancellationToken.None));
        var video = await chain.GetVideoAsync(Id, CancellationToken.None);

        failure.Message.ShouldContain("Fake");
        video.Id.ShouldBe(Id);
        _source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_zero_lifetime_turns_the_cache_off()
    {
        var chain = Chain(lifetime: TimeSpan.Zero);

        await chain.GetVideoAsync(Id, CancellationToken.None);
        await chain.GetVideoAsync(Id, CancellationToken.None);

        _source.Calls.ShouldBe(2);
    }

    [Fact]
    public async Task A_full_cache_makes_room_by_dropping_the_entry_closest_to_expiry()
    {
        var chain = Chain(capacity: 2);
        var (a, b, c) = (VideoId.Parse("aaaaaaaaaaa"), VideoId.Parse("bbbbbbbbbbb"), VideoId.Parse("ccccccccccc"));

        await chain.GetVideoAsync(a, CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(10));
        await chain.GetVideoAsync(b, CancellationToken.None);
        await chain.GetVideoAsync(c, CancellationToken.None);
        await chain.GetVideoAsync(b, CancellationToken.None);
        await chain.GetVideoAsync(a, CancellationToken.None);

        _source.Calls.ShouldBe(4);
    }

    [Theory]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?expire=1795000000&itag=137", 1795000000L)]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?itag=137&expire=1795000000", 1795000000L)]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?itag=137", null)]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?expire=soon", null)]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?expire=-5", null)]
    [InlineData("https://rr1---sn-a.googlevideo.com/videoplayback?expire=99999999999999999999", null)]
    [InlineData("https://inv.example/videoplayback/expire/1795000000", null)]
    public void The_expiry_of_a_stream_URL_is_read_from_its_expire_parameter(string url, long? expected)
    {
        long? seconds = VideoInfoCache.UrlExpiry(new Uri(url))?.ToUnixTimeSeconds();

        seconds.ShouldBe(expected);
    }

    /// <summary>A source that counts its calls and answers as told.</summary>
    private sealed class CountingSource : IVideoSource
    {
        private int _calls;

        public int Calls => _calls;
        public TimeSpan? UrlExpiresIn { get; set; }
        public TimeSpan? ResponseExpiresIn { get; set; }
        public TaskCompletionSource? Gate { get; set; }
        public bool FailNext { get; set; }

        public string Name => "Fake";

        public async Task<VideoInfo> GetVideoAsync(VideoId id, IReadOnlySet<string> refused, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Gate is { } gate)
                await gate.Task;
            if (FailNext)
            {
                FailNext = false;
                throw new SourceFailedException("the fake source failed");
            }
            var expire = UrlExpiresIn is { } u ? $"&expire={(Start + u).ToUnixTimeSeconds()}" : "";
            var format = new MediaFormat(137, new Uri($"https://rr1---sn-a.googlevideo.com/videoplayback?itag=137{expire}"),
                "video/mp4; codecs=\"avc1.640028\"", "mp4", "avc1.640028", null, 1920, 1080, 30, 4_000_000, 1_000_000, null);
            return new VideoInfo(id, "Title", "Author", TimeSpan.FromMinutes(3), [], [format], Name,
                ResponseExpiresIn is { } r ? Start + r : null);
        }
    }
}
