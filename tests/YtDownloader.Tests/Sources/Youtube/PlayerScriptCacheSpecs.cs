using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using YtDownloader.Sources.Youtube;
using YtDownloader.Tests.TestSupport;

namespace YtDownloader.Tests.Sources.Youtube;

/// <summary>
/// <see cref="PlayerScriptCache"/> over a recorded player served as YouTube serves it (<c>/iframe_api</c> naming the
/// version, then its base.js), on a clock the test moves: an engine is let go once idle, and the version it belonged
/// to deciphers again afterwards without the player being fetched again.
/// </summary>
public sealed class PlayerScriptCacheSpecs : IDisposable
{
    private static readonly TimeSpan IdleTime = TimeSpan.FromMinutes(5);

    private readonly FakeTimeProvider _time = new();
    private readonly RecordedPlayerOrigin _origin = new(KnownAnswers.Players()[^1]);
    private readonly PlayerScriptCache _cache;
    private readonly List<KnownAnswer> _answers;

    public PlayerScriptCacheSpecs()
    {
        var options = Options.Create(new YoutubeOptions { Origin = new Uri("http://youtube.test/"), PlayerIdleTime = IdleTime });
        _cache = new PlayerScriptCache(new HttpClient(_origin), new YoutubeOrigin(options), options, _time, NullLogger<PlayerScriptCache>.Instance);
        _answers = KnownAnswers.All().Where(answer => answer.Player == _origin.Player).ToList();
    }

    [Fact]
    public async Task An_idle_engine_is_released_and_its_version_still_deciphers_afterwards()
    {
        var script = await _cache.GetCurrentAsync(TestContext.Current.CancellationToken);
        Ask(script, _answers[0]).ShouldBe(_answers[0].Expected);
        _cache.LoadedCount.ShouldBe(1);

        _time.Advance(IdleTime - TimeSpan.FromSeconds(1));
        _cache.LoadedCount.ShouldBe(1);
        // The sweep runs every half of the idle time: the engine goes at the first sweep after it has been idle long enough.
        _time.Advance(IdleTime);
        _cache.LoadedCount.ShouldBe(0);

        var again = await _cache.GetCurrentAsync(TestContext.Current.CancellationToken);
        again.ShouldBeSameAs(script);
        _answers.ShouldAllBe(answer => Ask(again, answer) == answer.Expected);
        _cache.LoadedCount.ShouldBe(1);
        _origin.Requests("/base.js").ShouldBe(1);
    }

    [Fact]
    public async Task An_engine_asked_more_often_than_the_idle_time_stays_loaded()
    {
        var script = await _cache.GetCurrentAsync(TestContext.Current.CancellationToken);
        var n = _answers.First(answer => answer.Kind == KnownAnswers.N).Input;

        for (var shift = 1; shift < 8; shift++)
        {
            _time.Advance(IdleTime / 3);
            // A new input each time: a cached answer does not use the engine.
            script.TransformN(n[shift..] + n[..shift]);
            _cache.LoadedCount.ShouldBe(1);
        }
    }

    [Theory]
    [InlineData("00:00:00", false)]
    [InlineData("00:00:00.500", false)]
    [InlineData("00:00:01", true)]
    [InlineData("00:05:00", true)]
    public void An_idle_time_under_a_second_stops_the_start(string idleTime, bool valid)
    {
        var result = new YoutubeOptionsValidator().Validate(null, new YoutubeOptions { PlayerIdleTime = TimeSpan.Parse(idleTime, CultureInfo.InvariantCulture) });

        result.Succeeded.ShouldBe(valid);
        if (!valid)
            (result.FailureMessage ?? "").ShouldContain("Youtube:PlayerIdleTime");
    }

    public void Dispose() => _cache.Dispose();

    private static string Ask(YtDownloader.Sources.Youtube.Player.PlayerScript script, KnownAnswer answer) =>
        answer.Kind == KnownAnswers.N ? script.TransformN(answer.Input) : script.DecipherSignature(answer.Input);

    /// <summary>YouTube's two player endpoints, answering with one recorded player and counting what was asked.</summary>
    private sealed class RecordedPlayerOrigin(string player) : HttpMessageHandler
    {
        private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);
        private readonly string _version = Path.GetFileNameWithoutExtension(player)["base-".Length..];

        public string Player => player;

        public int Requests(string pathEnd) => _requests.Where(pair => pair.Key.EndsWith(pathEnd, StringComparison.Ordinal)).Sum(pair => pair.Value);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var path = request.RequestUri!.AbsolutePath;
            _requests.AddOrUpdate(path, 1, (_, count) => count + 1);
            if (path == "/iframe_api")
                return Text($"var scriptUrl = 'https:\\/\\/www.youtube.com\\/s\\/player\\/{_version}\\/www-widgetapi.vflset\\/www-widgetapi.js';");
            if (path == $"/s/player/{_version}/player_ias.vflset/en_US/base.js")
                return Text(await File.ReadAllTextAsync(Fixtures.Path(player), cancellationToken));
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }

        private static HttpResponseMessage Text(string body) => new(HttpStatusCode.OK) { Content = new StringContent(body) };
    }
}
