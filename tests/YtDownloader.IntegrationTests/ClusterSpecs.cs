using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Npgsql;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Two nodes, each its own operating-system process with its own origin (so the test sees which node fetched
/// what), sharing one PostgreSQL database and one bucket, as a team would run them behind a load balancer.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public TestMedia Media { get; } = new();
    public PostgresServer Postgres { get; } = new();
    public S3TestServer S3 { get; } = new();
    public FakeOrigin OriginA { get; private set; } = null!;
    public FakeOrigin OriginB { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await Media.InitializeAsync();
        OriginA = new FakeOrigin(Media);
        await OriginA.InitializeAsync();
        OriginB = new FakeOrigin(Media);
        await OriginB.InitializeAsync();
        await S3.InitializeAsync();
        await Postgres.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Postgres.DisposeAsync();
        await S3.DisposeAsync();
        await OriginB.DisposeAsync();
        await OriginA.DisposeAsync();
        await Media.DisposeAsync();
    }
}

public sealed class ClusterSpecs(ClusterFixture fixture) : IClassFixture<ClusterFixture>, IDisposable
{
    private FakeOrigin[] Origins => [fixture.OriginA, fixture.OriginB];

    /// <summary>A video both origins serve, its media URLs tagged with its ID so that each fetch can be traced to it.</summary>
    private string NewVideo(string prefix)
    {
        var id = (prefix + Guid.NewGuid().ToString("N"))[..11];
        foreach (var origin in Origins)
        {
            origin.Youtube[id] = YoutubeBehaviour.Playable;
            origin.MediaUrls[id] = url => new Uri($"{url}&testvideo={id}");
        }
        return id;
    }

    private void SlowOrigins(long? bytesPerSecond)
    {
        foreach (var origin in Origins)
            origin.BytesPerSecondPerConnection = bytesPerSecond;
    }

    public void Dispose() => SlowOrigins(null);

    private static int MediaFetches(FakeOrigin origin, string video) =>
        origin.Requests.Count(r => r.StartsWith("GET /media/", StringComparison.Ordinal) && r.Contains($"testvideo={video}", StringComparison.Ordinal));

    /// <summary>Both nodes' settings on one new database: node "a" fetches from origin A, node "b" from origin B.</summary>
    private async Task<(Dictionary<string, string?> A, Dictionary<string, string?> B, string Database)> NodeSettingsAsync(int maxConcurrent = 3)
    {
        var database = await fixture.Postgres.CreateDatabaseAsync();
        Dictionary<string, string?> Node(string name, FakeOrigin origin)
        {
            var settings = ServiceFactory.S3Settings(origin, fixture.S3);
            settings["ConnectionStrings:Jobs"] = database;
            settings["Jobs:NodeId"] = name;
            settings["Jobs:MaxConcurrent"] = maxConcurrent.ToString(System.Globalization.CultureInfo.InvariantCulture);
            // Short, so that a killed node's job moves soon; long enough for a renewal delayed by a loaded machine.
            settings["Jobs:LeaseDuration"] = "00:00:10";
            settings["Limits:MetadataRequests"] = "100000";
            settings["Limits:JobRequests"] = "100000";
            return settings;
        }
        return (Node("a", fixture.OriginA), Node("b", fixture.OriginB), database);
    }

    /// <summary>The job rows as PostgreSQL has them: which node claimed each job.</summary>
    private static async Task<Dictionary<string, string?>> NodesOfJobsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var query = new NpgsqlCommand("SELECT id, node FROM jobs", connection);
        await using var reader = await query.ExecuteReaderAsync();
        var nodes = new Dictionary<string, string?>();
        while (await reader.ReadAsync())
            nodes[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
        return nodes;
    }

    [Fact]
    public async Task With_the_jobs_on_PostgreSQL_the_service_refuses_to_start_on_the_local_folder_store_and_says_why()
    {
        var (exitCode, message) = await ServerProcess.RunUntilExitAsync(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Jobs"] = fixture.Postgres.ConnectionString("postgres"),
            ["Youtube:Origin"] = fixture.OriginA.BaseUrl.ToString(),
        }, ["--urls", "http://127.0.0.1:0"]);

        exitCode.ShouldNotBe(0);
        message.ShouldContain("local folder that the other nodes cannot read");
        message.ShouldContain("Storage:S3:Bucket");
    }

    [Fact]
    public async Task With_the_jobs_on_a_PostgreSQL_nobody_listens_for_the_service_ends_with_exit_code_1_and_one_clear_paragraph()
    {
        var closed = $"Host=127.0.0.1;Port={LoopbackPort.Free()};Database=jobs;Username=ytdownloader";
        var settings = ServiceFactory.S3Settings(fixture.OriginA, fixture.S3);
        settings["ConnectionStrings:Jobs"] = closed;

        var (exitCode, output) = await ServerProcess.RunUntilExitAsync(settings, ["--urls", "http://127.0.0.1:0"]);

        exitCode.ShouldBe(1, output);
        output.ShouldContain("YtDownloader cannot start");
        output.ShouldContain("Could not open the jobs PostgreSQL database jobs on 127.0.0.1");
        output.ShouldContain("Check ConnectionStrings:Jobs");
        output.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task Twelve_jobs_sent_to_one_node_are_shared_by_both_and_none_runs_twice()
    {
        SlowOrigins(150_000);
        var (settingsA, settingsB, database) = await NodeSettingsAsync();
        await using var a = await ServerProcess.StartAsync(settingsA);
        await using var b = await ServerProcess.StartAsync(settingsB);
        using var http = a.CreateClient();
        var videos = Enumerable.Range(0, 12).Select(i => NewVideo($"n{i:00}")).ToList();

        var ids = new Dictionary<string, string>();
        foreach (var video in videos)
        {
            var (status, job, _) = await http.CreateJobAsync(video, "720p");
            status.ShouldBe(HttpStatusCode.Accepted, job.ToString());
            ids[video] = job.Text("id");
        }
        var ended = new List<JsonElement>();
        foreach (var id in ids.Values)
            ended.Add(await http.WaitForEndAsync(id, TimeSpan.FromMinutes(4)));

        ended.ShouldAllBe(j => j.Text("phase") == "done");
        ended.ShouldAllBe(j => j.GetProperty("attempts").GetInt32() == 1);
        var nodes = await NodesOfJobsAsync(database);
        nodes.Values.Distinct().Order().ShouldBe(["a", "b"]);
        foreach (var (video, id) in ids)
        {
            // Fetched by the node the row names, and by that node only.
            var (ran, idle) = nodes[id] == "a" ? (fixture.OriginA, fixture.OriginB) : (fixture.OriginB, fixture.OriginA);
            MediaFetches(ran, video).ShouldBeGreaterThan(0, $"{video} on node {nodes[id]}");
            MediaFetches(idle, video).ShouldBe(0, $"{video} also fetched by the node that did not claim it");
        }
        var folder = Directory.CreateTempSubdirectory("ytd-cluster-").FullName;
        foreach (var job in ended)
        {
            var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(job.GetProperty("result").Text("key"), folder));
            probe.FormatName.ShouldContain("mp4");
            (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
            probe.Audio.CodecName.ShouldBe("aac");
        }
    }

    [Fact]
    public async Task When_a_node_is_killed_in_the_middle_of_a_job_the_other_aborts_its_upload_and_finishes_it_on_a_second_attempt()
    {
        SlowOrigins(FakeOrigin.CrawlBytesPerSecond);
        var (settingsA, settingsB, database) = await NodeSettingsAsync(maxConcurrent: 1);
        await using var a = await ServerProcess.StartAsync(settingsA);
        await using var b = await ServerProcess.StartAsync(settingsB);
        using var http = a.CreateClient();
        var video = NewVideo("k");
        var (_, job, _) = await http.CreateJobAsync(video, "1080p");
        var id = job.Text("id");
        await http.WaitUntilTransferringAsync(id);
        // The multipart upload opens a moment after the first bytes arrive: kill the node only once it is there.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(await fixture.S3.ListOpenUploadsAsync()).Any(u => u.Key.Contains(video, StringComparison.Ordinal)) && DateTime.UtcNow < deadline)
            await Task.Delay(100);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldContain(u => u.Key.Contains(video, StringComparison.Ordinal),
            $"{await http.GetJobAsync(id)}\n\nNode a wrote:\n{string.Join('\n', a.Output)}\n\nNode b wrote:\n{string.Join('\n', b.Output)}");
        var (doomed, survivor) = (await NodesOfJobsAsync(database))[id] == "a" ? (a, b) : (b, a);

        await doomed.KillAsync();
        SlowOrigins(400_000);

        using var client = survivor.CreateClient();
        var ended = await client.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
        ended.Text("phase").ShouldBe("done", ended.ToString());
        ended.GetProperty("attempts").GetInt32().ShouldBe(2);
        (await NodesOfJobsAsync(database))[id].ShouldBe(survivor == a ? "a" : "b");
        (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(video, StringComparison.Ordinal));
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(ended.GetProperty("result").Text("key"), Directory.CreateTempSubdirectory("ytd-cluster-").FullName));
        probe.Video.Height.ShouldBe(1080);
    }

    [Fact]
    public async Task Events_for_a_job_on_one_node_stream_through_the_other_in_order_with_every_progress_step()
    {
        // B's origin all but stops, so that the job is still early on B however long A takes to start on a loaded machine.
        SlowOrigins(500);
        var (settingsA, settingsB, database) = await NodeSettingsAsync();
        await using var b = await ServerProcess.StartAsync(settingsB);
        using var toB = b.CreateClient();
        var video = NewVideo("p");
        var id = (await toB.CreateJobAsync(video, "1080p")).Job.Text("id");
        await toB.WaitUntilTransferringAsync(id);
        await using var a = await ServerProcess.StartAsync(settingsA);
        using var toA = a.CreateClient();
        var opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var following = toA.ReadEventsAsync(id, _ => opened.TrySetResult());
        await opened.Task.WaitAsync(TimeSpan.FromSeconds(60));

        // Then slow enough that the job takes several seconds, many times the interval of B's progress writes.
        SlowOrigins(16_000);
        var events = await following.WaitAsync(TimeSpan.FromMinutes(3));

        (await NodesOfJobsAsync(database))[id].ShouldBe("b");
        MediaFetches(fixture.OriginA, video).ShouldBe(0);
        events.ShouldAllBe(e => e.Type == "job");
        string[] order = ["queued", "resolving", "downloading", "muxing", "uploading", "done"];
        var phases = events.Select(e => Array.IndexOf(order, e.Data.Text("phase"))).ToList();
        phases.ShouldAllBe(p => p >= 0, string.Join(", ", events.Select(e => e.Data.Text("phase"))));
        phases.ShouldBeInOrder(SortDirection.Ascending);
        var downloaded = events.Select(e => e.Data.GetProperty("downloadedBytes").GetInt64()).ToList();
        downloaded.ShouldBeInOrder(SortDirection.Ascending);
        events.Select(e => e.Data.GetProperty("uploadedBytes").GetInt64()).ShouldBeInOrder(SortDirection.Ascending);
        // The live bar through A: the transfer seen step by step, not only its start and its end.
        var steps = events.Where(e => !e.Data.HasEnded()).Select(e => e.Data.GetProperty("downloadedBytes").GetInt64()).Distinct().Count();
        TestContext.Current.SendDiagnosticMessage($"{events.Count} events through node A, {steps} distinct byte counts before the end: {string.Join(", ", downloaded)}");
        steps.ShouldBeGreaterThanOrEqualTo(3, string.Join(", ", downloaded));
        var last = events[^1].Data;
        last.Text("phase").ShouldBe("done");
        last.GetProperty("downloadedBytes").GetInt64().ShouldBe(fixture.Media.Video1080.Length + fixture.Media.AacAudio.Length);
    }

    [Fact]
    public async Task A_cancel_sent_to_one_node_stops_a_job_on_the_other_within_moments_and_its_events_end_there_too()
    {
        var (settingsA, settingsB, database) = await NodeSettingsAsync();
        // Held media stay held for as long as node A takes to start on a loaded machine, without B giving up on them.
        settingsB["Pipeline:IdleTimeout"] = "00:05:00";
        // B alone claims what is sent while A is not yet up.
        await using var b = await ServerProcess.StartAsync(settingsB);
        using var toB = b.CreateClient();
        var followed = NewVideo("f");
        var cancelled = NewVideo("x");
        // Both jobs stay running on B, waiting for their media, until the test releases them: the test videos are a
        // few chunks long, so a hold set once bytes flow could come after every range was already on its way.
        var releaseFollowed = new TaskCompletionSource();
        var releaseCancelled = new TaskCompletionSource();
        fixture.OriginB.HoldVideoMediaUntil(followed, releaseFollowed.Task);
        fixture.OriginB.HoldVideoMediaUntil(cancelled, releaseCancelled.Task);
        var followedId = (await toB.CreateJobAsync(followed, "720p")).Job.Text("id");
        var cancelledId = (await toB.CreateJobAsync(cancelled, "1080p")).Job.Text("id");
        await toB.WaitUntilStartedAsync(followedId);
        await toB.WaitUntilStartedAsync(cancelledId);
        try
        {
            await using var a = await ServerProcess.StartAsync(settingsA);
            using var toA = a.CreateClient();
            var nodes = await NodesOfJobsAsync(database);
            (nodes[followedId], nodes[cancelledId]).ShouldBe(("b", "b"));
            var following = toA.ReadEventsAsync(followedId);

            var stopwatch = Stopwatch.StartNew();
            using var cancel = await toA.DeleteAsync($"/api/jobs/{cancelledId}");
            var elapsed = stopwatch.Elapsed;

            cancel.StatusCode.ShouldBe(HttpStatusCode.OK, await cancel.Content.ReadAsStringAsync());
            (await ApiClient.ReadJsonAsync(cancel)).Text("phase").ShouldBe("cancelled");
            TestContext.Current.SendDiagnosticMessage($"Cancel through node A of a job on node B answered in {elapsed.TotalMilliseconds:F0} ms");
            elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
            releaseCancelled.SetResult();
            var fetches = MediaFetches(fixture.OriginB, cancelled);
            await Task.Delay(TimeSpan.FromSeconds(1));
            MediaFetches(fixture.OriginB, cancelled).ShouldBeLessThanOrEqualTo(fetches + 1);
            (await fixture.S3.ListOpenUploadsAsync()).ShouldNotContain(u => u.Key.Contains(cancelled, StringComparison.Ordinal));
            (await toB.GetJobAsync(cancelledId)).Text("phase").ShouldBe("cancelled");

            releaseFollowed.SetResult();
            var events = await following;

            // Through node A the followed job's stream opens and ends in order (its last event is B's "done").
            events.ShouldNotBeEmpty();
            events[^1].Data.Text("phase").ShouldBe("done");
            (await NodesOfJobsAsync(database))[followedId].ShouldBe("b");
            MediaFetches(fixture.OriginA, followed).ShouldBe(0);
        }
        finally
        {
            releaseFollowed.TrySetResult();
            releaseCancelled.TrySetResult();
        }
    }
}
