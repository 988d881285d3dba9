using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using YtDownloader.Jobs;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>The jobs specs with the jobs in SQLite, the default.</summary>
public sealed class SqliteJobsSpecs(ServiceFixture fixture) : JobsSpecs<ServiceFixture>(fixture);

/// <summary>The same jobs specs with the jobs in PostgreSQL: everything works the same on both engines.</summary>
public sealed class PostgresJobsSpecs(PostgresServiceFixture fixture) : JobsSpecs<PostgresServiceFixture>(fixture);

/// <summary>Uploads as jobs, on the real service, the fake origin (slowed down where a job must be caught running) and real S3.</summary>
public abstract class JobsSpecs<TFixture>(TFixture fixture) : IClassFixture<TFixture>, IDisposable
    where TFixture : ServiceFixture
{
    private static readonly string[] PhaseOrder = ["queued", "resolving", "downloading", "muxing", "uploading", "done"];

    private string NewVideo(string prefix)
    {
        var id = (prefix + Guid.NewGuid().ToString("N"))[..11];
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        return id;
    }

    /// <summary>Settings for a service with a new jobs database of its own; pass them to two starts to share one.</summary>
    private async Task<Dictionary<string, string?>> SettingsAsync(params (string Key, string Value)[] overrides)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        var (database, connection) = await fixture.NewJobsDatabaseAsync();
        settings[database] = connection;
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return settings;
    }

    /// <summary>Slows every media response so that a 3-second test video takes a few seconds to move.</summary>
    private void SlowOrigin(long bytesPerSecond) => fixture.Origin.BytesPerSecondPerConnection = bytesPerSecond;

    public void Dispose()
    {
        fixture.Origin.BytesPerSecondPerConnection = null;
        GC.SuppressFinalize(this);
    }

    private static Task<string> KeyOfAsync(JsonElement job) => Task.FromResult(job.GetProperty("result").Text("key"));

    [Fact]
    public async Task A_jobs_events_arrive_in_order_with_growing_bytes_and_end_done_with_the_object_in_S3()
    {
        SlowOrigin(100_000);
        await using var service = ServiceFactory.Start(await SettingsAsync());
        using var http = service.CreateClient();
        var video = NewVideo("e");

        var (status, created, response) = await http.CreateJobAsync($"https://youtu.be/{video}", "720p");
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        response.Headers.Location!.ToString().ShouldBe($"/api/jobs/{created.Text("id")}");
        created.Text("quality").ShouldBe("1280x720");

        var events = await http.ReadEventsAsync(created.Text("id"));

        events.ShouldAllBe(e => e.Type == "job");
        var phases = events.Select(e => Array.IndexOf(PhaseOrder, e.Data.Text("phase"))).ToList();
        phases.ShouldAllBe(p => p >= 0);
        phases.ShouldBeInOrder(SortDirection.Ascending);
        var downloaded = events.Select(e => e.Data.GetProperty("downloadedBytes").GetInt64()).ToList();
        var uploaded = events.Select(e => e.Data.GetProperty("uploadedBytes").GetInt64()).ToList();
        downloaded.ShouldBeInOrder(SortDirection.Ascending);
        uploaded.ShouldBeInOrder(SortDirection.Ascending);
        // The stream showed the transfer under way, not only its start and end.
        events.ShouldContain(e => e.Data.GetProperty("downloadedBytes").GetInt64() > 0 && !e.Data.HasEnded());
        var last = events[^1].Data;
        last.Text("phase").ShouldBe("done");
        last.GetProperty("downloadedBytes").GetInt64().ShouldBe(fixture.Media.Video720.Length + fixture.Media.AacAudio.Length);

        var path = await fixture.S3.DownloadAsync(await KeyOfAsync(last), Directory.CreateTempSubdirectory("ytd-jobs-").FullName);
        var probe = await Ffprobe.ProbeAsync(path);
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        probe.Audio.CodecName.ShouldBe("aac");
    }

    [Fact]
    public async Task Ten_jobs_with_three_slots_never_run_more_than_three_at_once_and_all_finish_as_valid_MP4s()
    {
        SlowOrigin(60_000);
        await using var service = ServiceFactory.Start(await SettingsAsync(("Jobs:MaxConcurrent", "3")));
        using var http = service.CreateClient();
        var videos = Enumerable.Range(0, 10).Select(i => NewVideo($"t{i}")).ToList();

        var ids = new List<string>();
        foreach (var video in videos)
        {
            var (status, job, _) = await http.CreateJobAsync(video, "720p");
            status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
            ids.Add(job.Text("id"));
        }

        // Observed, not assumed: the jobs list is sampled while they run.
        var mostRunning = 0;
        List<JsonElement> jobs;
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        do
        {
            jobs = (await http.ListJobsAsync()).Where(j => ids.Contains(j.Text("id"))).ToList();
            mostRunning = Math.Max(mostRunning, jobs.Count(j => j.Text("phase") is not ("queued" or "done" or "failed" or "cancelled")));
            await Task.Delay(40);
        }
        while (!jobs.All(j => j.HasEnded()) && DateTime.UtcNow < deadline);

        mostRunning.ShouldBe(3);
        jobs.Count.ShouldBe(10);
        jobs.ShouldAllBe(j => j.Text("phase") == "done");
        var folder = Directory.CreateTempSubdirectory("ytd-jobs-").FullName;
        foreach (var job in jobs)
        {
            var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(await KeyOfAsync(job), folder));
            probe.FormatName.ShouldContain("mp4");
            probe.Video.Width.ShouldBe(1280);
        }
    }

    [Fact]
    public async Task A_job_that_ends_while_the_list_is_read_is_listed_with_its_end_not_the_phase_its_row_had()
    {
        SlowOrigin(200_000);
        ListingHeldUntilTheJobEnds? hold = null;
        // One slot: the worker's next claim is the sign that the ended job has left the node's memory.
        await using var service = ServiceFactory.Start(
            await SettingsAsync(("Jobs:MaxConcurrent", "1")),
            builder => builder.ConfigureTestServices(s => s.AddSingleton(sp => ListingHeldUntilTheJobEnds.Around(JobDatabase.Open(sp), out hold))));
        using var http = service.CreateClient();
        var (status, job, _) = await http.CreateJobAsync(NewVideo("l"), "720p");
        status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
        var id = job.Text("id");
        await http.WaitUntilTransferringAsync(id);

        hold!.Arm(id);
        var listed = (await http.ListJobsAsync()).Single(j => j.Text("id") == id);

        hold.Held.ShouldBeTrue("the listing read the job while it was running");
        listed.Text("phase").ShouldBe("done", listed.ToString());
        listed.GetProperty("result").Text("key").ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_job_cancelled_in_the_middle_of_its_upload_leaves_no_object_and_no_open_multipart_upload()
    {
        SlowOrigin(FakeOrigin.CrawlBytesPerSecond);
        await using var service = ServiceFactory.Start(await SettingsAsync());
        using var http = service.CreateClient();
        var video = NewVideo("c");
        var (_, job, _) = await http.CreateJobAsync(video, "1080p");
        var id = job.Text("id");
        await http.WaitUntilTransferringAsync(id);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldContain(u => u.Key.Contains(video, StringComparison.Ordinal));

        using var cancel = await http.DeleteAsync($"/api/jobs/{id}");

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ApiClient.ReadJsonAsync(cancel)).Text("phase").ShouldBe("cancelled");
        (await http.GetJobAsync(id)).Text("phase").ShouldBe("cancelled");
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(video, StringComparison.Ordinal));

    }

    [Fact]
    public async Task Deleting_an_ended_job_removes_it_from_the_history_and_leaves_its_object()
    {
        await using var service = ServiceFactory.Start(await SettingsAsync());
        using var http = service.CreateClient();
        var video = NewVideo("r");
        var (_, created, _) = await http.CreateJobAsync(video, "360p");
        var id = created.Text("id");
        var done = await http.WaitForEndAsync(id);
        done.Text("phase").ShouldBe("done", done.ToString());

        using var removed = await http.DeleteAsync($"/api/jobs/{id}");
        using var again = await http.DeleteAsync($"/api/jobs/{id}");
        using var gone = await http.GetAsync($"/api/jobs/{id}");

        removed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await http.ListJobsAsync()).ShouldNotContain(j => j.Text("id") == id);
        again.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        gone.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.S3.ListObjectsAsync()).ShouldContain(o => o.Key == done.GetProperty("result").Text("key"));
    }

    [Fact]
    public async Task A_job_the_server_was_killed_under_runs_again_after_a_restart_and_finishes()
    {
        SlowOrigin(FakeOrigin.CrawlBytesPerSecond);
        // Another process takes over the killed one's lease once it expires (SQLite: at once, the file is its alone).
        var settings = await SettingsAsync(("Jobs:LeaseDuration", "00:00:10"));
        var video = NewVideo("k");
        string id;
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            using var http = first.CreateClient();
            var (status, job, _) = await http.CreateJobAsync(video, "1080p");
            status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
            id = job.Text("id");
            await http.WaitUntilTransferringAsync(id);
            (await fixture.S3.ListOpenUploadsAsync()).ShouldContain(u => u.Key.Contains(video, StringComparison.Ordinal));

            await first.KillAsync();
        }

        SlowOrigin(400_000);
        await using var second = await ServerProcess.StartAsync(settings);
        using var client = second.CreateClient();
        var ended = await client.WaitForEndAsync(id);

        ended.Text("phase").ShouldBe("done", ended.ToString());
        ended.GetProperty("attempts").GetInt32().ShouldBe(2);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal), string.Join('\n', second.Output));
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(await KeyOfAsync(ended), Directory.CreateTempSubdirectory("ytd-jobs-").FullName));
        probe.Video.Height.ShouldBe(1080);
    }

    [Fact]
    public async Task A_job_running_when_the_server_gets_SIGTERM_is_queued_again_and_runs_on_the_next_start()
    {
        SlowOrigin(FakeOrigin.CrawlBytesPerSecond);
        var settings = await SettingsAsync();
        var video = NewVideo("g");
        string id;
        await using (var first = await ServerProcess.StartAsync(settings))
        {
            using var http = first.CreateClient();
            var (_, job, _) = await http.CreateJobAsync(video, "720p");
            id = job.Text("id");
            await http.WaitUntilTransferringAsync(id);

            await first.TerminateAsync();
        }
        // Stopped gracefully: nothing half-written was left behind while the service was down.
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));

        SlowOrigin(400_000);
        await using var second = await ServerProcess.StartAsync(settings);
        using var client = second.CreateClient();
        var ended = await client.WaitForEndAsync(id);
        ended.Text("phase").ShouldBe("done", ended.ToString());
        // A graceful stop is not the job's fault: it does not use up an attempt.
        ended.GetProperty("attempts").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task A_done_jobs_download_link_is_signed_when_it_is_read_so_it_works_long_after_the_job_ended()
    {
        await using var service = ServiceFactory.Start(await SettingsAsync(("Storage:S3:PresignedUrlLifetime", "00:00:02")));
        using var http = service.CreateClient();
        var (_, job, _) = await http.CreateJobAsync(NewVideo("l"), "360p");
        var ended = await http.WaitForEndAsync(job.Text("id"));
        ended.Text("phase").ShouldBe("done", ended.ToString());
        var linkAtTheEnd = ended.GetProperty("result").Text("downloadUrl");

        await Task.Delay(TimeSpan.FromSeconds(4));
        var linkNow = (await http.GetJobAsync(job.Text("id"))).GetProperty("result").Text("downloadUrl");
        var listed = (await http.ListJobsAsync()).Single(j => j.Text("id") == job.Text("id")).GetProperty("result").Text("downloadUrl");

        using var anyone = new HttpClient();
        (await anyone.GetAsync(linkAtTheEnd)).IsSuccessStatusCode.ShouldBeFalse("the link made when the job ended has expired");
        using var download = await anyone.GetAsync(linkNow);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).Length.ShouldBe((int)ended.GetProperty("result").GetProperty("size").GetInt64());
        (await anyone.GetAsync(listed)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_job_over_the_time_limit_fails_with_504_and_leaves_nothing_behind()
    {
        SlowOrigin(5_000);
        await using var service = ServiceFactory.Start(await SettingsAsync(("Jobs:Timeout", "00:00:02")));
        using var http = service.CreateClient();
        var video = NewVideo("o");

        var (status, body, _) = await http.UploadAsync(new { url = video, quality = "1080p" });

        status.ShouldBe(HttpStatusCode.GatewayTimeout, body.ToString());
        body.Text("error").ShouldContain("Jobs:Timeout");
        var job = (await http.ListJobsAsync()).Single(j => j.Text("videoId") == video);
        job.Text("phase").ShouldBe("failed");
        job.Text("error").ShouldContain("took longer");
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(video, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_requests_for_the_same_video_and_quality_make_one_job_and_a_third_reuses_the_object()
    {
        SlowOrigin(100_000);
        await using var service = ServiceFactory.Start(await SettingsAsync());
        using var http = service.CreateClient();
        var video = NewVideo("s");

        var both = await Task.WhenAll(
            http.CreateJobAsync($"https://youtu.be/{video}", "720p"),
            http.CreateJobAsync($"https://www.youtube.com/watch?v={video}", "1280x720"));

        both[0].Job.Text("id").ShouldBe(both[1].Job.Text("id"));
        var done = await http.WaitForEndAsync(both[0].Job.Text("id"));
        done.Text("phase").ShouldBe("done");
        (await http.ListJobsAsync()).Count(j => j.Text("videoId") == video).ShouldBe(1);
        var mediaRequests = fixture.Origin.CountRequests("GET /media/");

        var (status, third, _) = await http.CreateJobAsync(video, "720p");

        status.ShouldBe(HttpStatusCode.OK);
        third.Text("phase").ShouldBe("done");
        third.GetProperty("reused").GetBoolean().ShouldBeTrue();
        third.GetProperty("result").Text("key").ShouldBe(done.GetProperty("result").Text("key"));
        fixture.Origin.CountRequests("GET /media/").ShouldBe(mediaRequests);
    }

    [Fact]
    public async Task A_request_beyond_the_queue_limit_is_answered_429_with_Retry_After()
    {
        SlowOrigin(FakeOrigin.CrawlBytesPerSecond);
        await using var service = ServiceFactory.Start(await SettingsAsync(("Jobs:MaxConcurrent", "1"), ("Jobs:MaxQueued", "1")));
        using var http = service.CreateClient();

        var (running, first, _) = await http.CreateJobAsync(NewVideo("q"), "720p");
        await http.WaitUntilTransferringAsync(first.Text("id"));
        var (waiting, second, _) = await http.CreateJobAsync(NewVideo("q"), "720p");
        var (refused, problem, response) = await http.CreateJobAsync(NewVideo("q"), "720p");

        running.ShouldBe(HttpStatusCode.Accepted);
        waiting.ShouldBe(HttpStatusCode.Accepted);
        second.Text("phase").ShouldBe("queued");
        refused.ShouldBe(HttpStatusCode.TooManyRequests);
        response.Headers.RetryAfter.ShouldNotBeNull();
        problem.Text("error").ShouldContain("waiting");

        // Cancelled while it waits: it never runs.
        using var cancel = await http.DeleteAsync($"/api/jobs/{second.Text("id")}");
        (await ApiClient.ReadJsonAsync(cancel)).Text("phase").ShouldBe("cancelled");
        await http.DeleteAsync($"/api/jobs/{first.Text("id")}");
    }

    [Fact]
    public async Task Jobs_are_listed_newest_first_a_page_at_a_time_and_an_unknown_job_is_404()
    {
        await using var service = ServiceFactory.Start(await SettingsAsync());
        using var http = service.CreateClient();
        var ids = new List<string>();
        foreach (var video in new[] { NewVideo("p"), NewVideo("p"), NewVideo("p") })
        {
            var (_, job, _) = await http.CreateJobAsync(video, "360p");
            ids.Add(job.Text("id"));
            await http.WaitForEndAsync(job.Text("id"));
        }

        var firstPage = await ApiClient.ReadJsonAsync(await http.GetAsync("/api/jobs?limit=2"));
        firstPage.GetProperty("jobs").EnumerateArray().Select(j => j.Text("id")).ShouldBe([ids[2], ids[1]]);
        var next = firstPage.Text("next");
        var secondPage = await ApiClient.ReadJsonAsync(await http.GetAsync($"/api/jobs?limit=2&before={next}"));
        secondPage.GetProperty("jobs").EnumerateArray().Select(j => j.Text("id")).ShouldBe([ids[0]]);

        (await http.GetAsync("/api/jobs/nope")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/jobs/nope/events")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await http.GetAsync("/api/jobs?limit=0")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
