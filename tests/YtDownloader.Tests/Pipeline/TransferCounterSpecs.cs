using Microsoft.Extensions.Time.Testing;
using YtDownloader.Pipeline;

namespace YtDownloader.Tests.Pipeline;

public sealed class TransferCounterSpecs
{
    private readonly FakeTimeProvider _time = new();
    private readonly List<PipelineProgress> _reports = [];

    private TransferCounter NewCounter() =>
        new(PipelinePhase.Muxing, 1_000_000_000, "android_vr", new ReportList(_reports), _time);

    [Fact]
    public void Reads_within_the_interval_make_one_report_and_the_one_at_its_end_carries_every_byte()
    {
        using var counter = NewCounter();

        for (var read = 0; read < 1_000; read++)
        {
            counter.AddFetched(65_536);
            counter.AddDownloaded(65_536);
        }

        _reports.Count.ShouldBe(1);
        _time.Advance(TransferCounter.BytesReportInterval);

        _reports.Count.ShouldBe(2);
        _reports[^1].BytesDownloaded.ShouldBe(1_000 * 65_536);
        _reports[^1].BytesFetched.ShouldBe(1_000 * 65_536);
    }

    [Fact]
    public void Bytes_held_back_by_the_interval_are_reported_when_it_ends_even_with_no_read_after_them()
    {
        using var counter = NewCounter();
        counter.AddDownloaded(1_000);
        counter.AddDownloaded(295_000);
        counter.AddFetched(296_000);
        _reports.Count.ShouldBe(1);

        _time.Advance(TransferCounter.BytesReportInterval - TimeSpan.FromMilliseconds(1));
        _reports.Count.ShouldBe(1);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        _reports.Count.ShouldBe(2);
        _reports[^1].BytesDownloaded.ShouldBe(296_000);
        _reports[^1].BytesFetched.ShouldBe(296_000);
        _time.Advance(TimeSpan.FromSeconds(1));
        _reports.Count.ShouldBe(2);
    }

    [Fact]
    public void After_it_is_disposed_no_held_back_report_comes()
    {
        var counter = NewCounter();
        counter.AddDownloaded(1_000);
        counter.AddDownloaded(2_000);

        counter.Dispose();
        _time.Advance(TimeSpan.FromSeconds(1));

        _reports.Count.ShouldBe(1);
    }

    [Fact]
    public void A_gigabyte_in_64_KiB_reads_at_200_MB_per_second_makes_twenty_reports_a_second()
    {
        using var counter = NewCounter();
        var readsPerSecond = 200_000_000 / 65_536;

        for (var read = 0; read < 5 * readsPerSecond; read++)
        {
            _time.Advance(TimeSpan.FromSeconds(1.0 / readsPerSecond));
            counter.AddDownloaded(65_536);
        }

        _reports.Count.ShouldBeInRange(95, 101);
        _reports.Select(r => r.BytesDownloaded).ShouldBeInOrder(SortDirection.Ascending);
    }

    [Theory]
    [InlineData("a part stored")]
    [InlineData("a handover")]
    [InlineData("a restart")]
    [InlineData("the end of a run")]
    public void Anything_but_bytes_moving_is_reported_at_once_with_the_latest_counts(string change)
    {
        using var counter = NewCounter();
        counter.AddDownloaded(10);
        counter.AddFetched(20);
        counter.AddDownloaded(30);

        switch (change)
        {
            case "a part stored":
                counter.Stored.Report(5_242_880);
                break;
            case "a handover":
                counter.AddHandover(new ProviderHandover("android_vr", "invidious", 137, 40, "403 from the media server"));
                break;
            case "a restart":
                counter.RestartDownload();
                break;
            default:
                counter.ReportLatest();
                break;
        }

        _reports.Count.ShouldBe(2);
        _reports[^1].BytesFetched.ShouldBe(20);
        _reports[^1].BytesDownloaded.ShouldBe(change == "a restart" ? 0 : 40);
    }

    /// <summary>Keeps every report in order, on the caller's thread, as the job does.</summary>
    private sealed class ReportList(List<PipelineProgress> reports) : IProgress<PipelineProgress>
    {
        public void Report(PipelineProgress value) => reports.Add(value);
    }
}
