using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>A burst on loopback, bounded in count and time, against the service as its own process with its default limits.</summary>
public sealed class LoadSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task Two_hundred_concurrent_metadata_requests_and_ten_jobs_get_only_200s_and_429s_all_jobs_finish_and_memory_stays_bounded()
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Jobs:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"ytd-load-{Guid.NewGuid():N}.db");
        // The shipped rate limits, not the tests' relaxed ones.
        settings["Limits:MetadataRequests"] = "60";
        settings["Limits:JobRequests"] = "10";
        var videos = Enumerable.Range(0, 10).Select(i => $"load{i}{Guid.NewGuid():N}"[..11]).ToList();
        foreach (var video in videos)
            fixture.Origin.Youtube[video] = YoutubeBehaviour.Playable;
        await using var server = await ServerProcess.StartAsync(settings);
        using var http = server.CreateClient();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        var metadata = Enumerable.Range(0, 200).Select(async i =>
        {
            using var response = await http.GetAsync($"/api/video?url={videos[i % videos.Count]}", deadline.Token);
            return response.StatusCode;
        });
        var jobs = videos.Select(async video => await http.CreateJobAsync(video, "720p"));
        var statuses = await Task.WhenAll(metadata);
        var created = await Task.WhenAll(jobs);

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK || s == HttpStatusCode.TooManyRequests);
        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(60);
        created.ShouldAllBe(c => c.Status == HttpStatusCode.Accepted);
        foreach (var (_, job, _) in created)
            (await http.WaitForEndAsync(job.Text("id"), TimeSpan.FromMinutes(2))).Text("phase").ShouldBe("done");
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();

        // The service with its runtime, ten merges and 200 requests behind it: well under what a small VM has.
        server.PeakResidentBytes().ShouldBeLessThan(400L * 1024 * 1024);
    }

    [Fact]
    public async Task Two_hundred_event_streams_beside_forty_concurrent_job_requests_all_end_done_and_memory_stays_bounded()
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Jobs:DatabasePath"] = Path.Combine(Path.GetTempPath(), $"ytd-streams-{Guid.NewGuid():N}.db");
        settings["Jobs:MaxQueued"] = "40";
        settings["Limits:JobRequests"] = "100000";
        var videos = Enumerable.Range(0, 40).Select(i => $"sse{i:00}{Guid.NewGuid():N}"[..11]).ToList();
        foreach (var video in videos)
            fixture.Origin.Youtube[video] = YoutubeBehaviour.Playable;
        await using var server = await ServerProcess.StartAsync(settings);
        using var http = new HttpClient { BaseAddress = server.BaseUrl, Timeout = TimeSpan.FromMinutes(4) };

        // Each job request at once; five streams follow each job from the moment it is answered.
        var followed = await Task.WhenAll(videos.Select(async video =>
        {
            var (status, job, response) = await http.CreateJobAsync(video, "720p");
            response.Dispose();
            status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
            return await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => http.ReadEventsAsync(job.Text("id"))));
        }));

        var streams = followed.SelectMany(s => s).ToList();
        streams.Count.ShouldBe(200);
        streams.ShouldAllBe(events => events.Count > 0 && events.All(e => e.Type == "job") && events.Last().Data.GetProperty("phase").GetString() == "done");
        (await fixture.S3.ListObjectsAsync()).Count(o => videos.Any(v => o.Key.Contains(v, StringComparison.Ordinal))).ShouldBe(40);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
        // Issue 13's bound for the service: streams and requests must not add to what the jobs themselves need.
        server.PeakResidentBytes().ShouldBeLessThan(StreamsMemoryBound);
    }

    /// <summary>Peak RSS allowed during the event-stream load (bench figure 8 reports the measured value).</summary>
    private const long StreamsMemoryBound = 400L * 1024 * 1024;
}
