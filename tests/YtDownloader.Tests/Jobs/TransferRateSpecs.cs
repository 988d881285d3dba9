using Microsoft.Extensions.Time.Testing;
using YtDownloader.Jobs;

namespace YtDownloader.Tests.Jobs;

public sealed class TransferRateSpecs
{
    [Fact]
    public void Reports_every_read_keep_a_few_dozen_samples_and_the_speed_of_the_last_seconds()
    {
        var time = new FakeTimeProvider();
        var rate = new TransferRate(time, TimeSpan.FromSeconds(5));
        long bytes = 0;

        // 10 s at 100 MB/s, then 10 s at 20 MB/s, a report every 64 KiB read.
        foreach (var speed in new[] { 100_000_000, 20_000_000 })
        {
            var readsPerSecond = speed / 65_536;
            for (var read = 0; read < 10 * readsPerSecond; read++)
            {
                time.Advance(TimeSpan.FromSeconds(1.0 / readsPerSecond));
                rate.Add(bytes += 65_536);
            }
        }

        rate.Samples.ShouldBeLessThanOrEqualTo(52);
        rate.BytesPerSecond!.Value.ShouldBe(20_000_000, tolerance: 20_000_000 * 0.01);
    }

    [Fact]
    public void The_latest_report_counts_even_inside_the_spacing_between_samples()
    {
        var time = new FakeTimeProvider();
        var rate = new TransferRate(time, TimeSpan.FromSeconds(5));

        rate.Add(0);
        time.Advance(TimeSpan.FromSeconds(1));
        rate.Add(1_000_000);
        time.Advance(TimeSpan.FromMilliseconds(50));
        rate.Add(2_000_000);

        rate.BytesPerSecond!.Value.ShouldBe(2_000_000 / 1.05, tolerance: 1);
    }

    [Fact]
    public void No_speed_before_a_fifth_of_a_second_has_passed()
    {
        var time = new FakeTimeProvider();
        var rate = new TransferRate(time, TimeSpan.FromSeconds(5));

        rate.BytesPerSecond.ShouldBeNull();
        rate.Add(0);
        time.Advance(TimeSpan.FromMilliseconds(150));
        rate.Add(1_000_000);

        rate.BytesPerSecond.ShouldBeNull();
    }
}
