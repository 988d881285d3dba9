using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using YtDownloader.Sources;

namespace YtDownloader.Tests.Sources;

public sealed class SourceHealthSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 12, 2, 1, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Start);
    private readonly ListLogger _log = new();
    private readonly SourceHealth _health;

    public SourceHealthSpecs() => _health = new SourceHealth(_time, _log);

    private Task Ok(string? client = "VISIONOS") => _health.TrackAsync("YouTube", client, () => Task.FromResult(1));

    private async Task Fail(YtDownloaderException error, string? client = "VISIONOS")
    {
        await Should.ThrowAsync<YtDownloaderException>(() => _health.TrackAsync<int>("YouTube", client, () => throw error));
        _time.Advance(TimeSpan.FromSeconds(1));
    }

    private SourceHealthEntry Client(string name) => _health.Report(["YouTube"]).Single().Clients.Single(c => c.Name == name);

    [Fact]
    public async Task A_client_that_starts_failing_is_logged_once_with_its_counts_and_once_more_when_it_works_again()
    {
        await Ok();
        await Ok();
        await Fail(new SourceFailedException("YouTube's VISIONOS client offered no downloadable stream."));
        await Fail(new SourceFailedException("YouTube's VISIONOS client offered no downloadable stream."));
        await Ok();

        _log.Lines.ShouldBe([
            "Warning YouTube VISIONOS started failing (2 successes, 1 failures so far): YouTube's VISIONOS client offered no downloadable stream.",
            "Information YouTube VISIONOS works again (3 successes, 2 failures so far)",
        ]);
        var entry = Client("VISIONOS");
        (entry.Outcome, entry.Reason, entry.Successes, entry.Failures).ShouldBe((SourceOutcome.Ok, null, 3, 2));
        entry.LastSuccessAt.ShouldBe(Start + TimeSpan.FromSeconds(2));
    }

    [Theory]
    [InlineData(UnavailableReason.Private, SourceOutcome.Refused, false)]
    [InlineData(UnavailableReason.BotCheck, SourceOutcome.Refused, true)]
    public async Task A_refusal_about_the_video_itself_is_recorded_but_is_not_the_client_failing(
        UnavailableReason reason, SourceOutcome outcome, bool warned)
    {
        await Ok();
        await Fail(new VideoUnavailableException(reason, "It says no."));

        var entry = Client("VISIONOS");
        (entry.Outcome, entry.Reason, entry.Failures, entry.At).ShouldBe((outcome, "It says no.", 1, Start));
        _log.Lines.Any(l => l.StartsWith("Warning", StringComparison.Ordinal)).ShouldBe(warned);
    }

    [Fact]
    public async Task Every_source_is_reported_in_order_even_one_never_asked_and_each_keeps_its_own_clients()
    {
        await Ok(client: null);
        await Ok("TVHTML5");
        await Fail(new SourceFailedException("unreachable"), client: "ANDROID_VR");

        var report = _health.Report(["YouTube", "yt-dlp"]);

        report.Select(s => (s.Name, s.Outcome)).ShouldBe([("YouTube", SourceOutcome.Ok), ("yt-dlp", (SourceOutcome?)null)]);
        report[0].Clients.Select(c => (c.Name, c.Outcome)).ShouldBe([("ANDROID_VR", SourceOutcome.Failed), ("TVHTML5", (SourceOutcome?)SourceOutcome.Ok)]);
        report[1].Clients.ShouldBeEmpty();
    }

    private sealed class ListLogger : ILogger<SourceHealth>
    {
        public List<string> Lines { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Add($"{logLevel} {formatter(state, exception)}");
    }
}
