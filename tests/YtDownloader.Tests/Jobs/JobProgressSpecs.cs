using Microsoft.Extensions.Time.Testing;
using YtDownloader.Jobs;
using YtDownloader.Pipeline;

namespace YtDownloader.Tests.Jobs;

public sealed class JobProgressSpecs
{
    private const long Total = 100_000_000;

    [Fact]
    public void Once_everything_is_downloaded_the_speed_and_time_left_are_the_uploads()
    {
        var time = new FakeTimeProvider();
        var job = NewJob(time);
        job.Start();

        // Downloading fast (10 MB/s) while the upload follows at 2 MB/s.
        for (var second = 1; second <= 10; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            job.Report(new PipelineProgress(PipelinePhase.Muxing, second * 10_000_000, second * 2_000_000, Total));
        }
        // All downloaded: only the upload is left, still at 2 MB/s.
        for (var second = 11; second <= 15; second++)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            job.Report(new PipelineProgress(PipelinePhase.Muxing, Total, second * 2_000_000, Total));
        }

        var uploading = job.Snapshot();
        uploading.Phase.ShouldBe(JobPhase.Uploading);
        uploading.BytesPerSecond!.Value.ShouldBe(2_000_000, tolerance: 1);
        uploading.EtaSeconds!.Value.ShouldBe((Total - 30_000_000) / 2_000_000.0, tolerance: 0.01);
    }

    [Fact]
    public void The_uploaded_bytes_never_exceed_the_total_not_even_when_the_stored_file_is_larger_than_its_sources()
    {
        var time = new FakeTimeProvider();
        var job = NewJob(time);
        job.Start();

        time.Advance(TimeSpan.FromSeconds(1));
        job.Report(new PipelineProgress(PipelinePhase.Muxing, Total, Total + 50_000, Total));
        var uploading = job.Snapshot();
        var done = job.Complete(new JobResult("k", "b", Total + 80_000, "video/mp4", new Uri("https://x/k"), new Uri("https://x/k?d"), "dQw4w9WgXcQ", "1280x720", true, null));

        uploading.UploadedBytes.ShouldBe(Total);
        done.UploadedBytes.ShouldBe(Total);
        done.Result!.Size.ShouldBe(Total + 80_000, "the result still says the object's real size");
    }

    private static Job NewJob(TimeProvider time) => new(
        new JobSnapshot("job1", "https://youtu.be/dQw4w9WgXcQ", "dQw4w9WgXcQ", "1280x720", null, "k", JobPhase.Queued, 0, 0, Total, time.GetUtcNow()),
        time);
}
