using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>Playlists and channels, listed from the fake YouTube's browse answers and stored as batches into real S3.</summary>
public sealed class PlaylistSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>, IDisposable
{
    public void Dispose() => fixture.Origin.BytesPerSecondPerConnection = null;

    /// <summary>A playlist of playable test videos, <paramref name="count"/> long (pages of 3: more than 3 takes a continuation).</summary>
    private (string PlaylistId, List<string> Videos) NewPlaylist(int count)
    {
        var playlistId = ("PL" + Guid.NewGuid().ToString("N") + Guid.NewGuid().ToString("N"))[..34];
        var videos = Enumerable.Range(0, count).Select(i => (i.ToString(System.Globalization.CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N"))[..11]).ToList();
        foreach (var video in videos)
            fixture.Origin.Youtube[video] = YoutubeBehaviour.Playable;
        fixture.Origin.Playlists[playlistId] = videos;
        return (playlistId, videos);
    }

    private Dictionary<string, string?> Settings(params (string Key, string Value)[] overrides)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return settings;
    }

    [Fact]
    public async Task A_playlist_of_two_pages_is_listed_through_its_continuation()
    {
        using var http = fixture.CreateClient();
        var (playlistId, videos) = NewPlaylist(5);
        var browsesBefore = fixture.Origin.CountRequests("POST /youtubei/v1/browse");

        var (status, listing) = await GetPlaylistAsync(http, $"https://www.youtube.com/playlist?list={playlistId}");

        status.ShouldBe(HttpStatusCode.OK, listing.ToString());
        listing.Text("playlistId").ShouldBe(playlistId);
        listing.Text("title").ShouldBe($"Test playlist {playlistId}");
        listing.Text("author").ShouldBe("Redlist - Chart Playlists");
        listing.GetProperty("videoCount").GetInt32().ShouldBe(5);
        listing.GetProperty("truncated").GetBoolean().ShouldBeFalse();
        var listed = listing.GetProperty("videos").EnumerateArray().ToList();
        listed.Select(v => v.Text("videoId")).ShouldBe(videos);
        listed[0].Text("title").ShouldBe($"Listed video {videos[0]}");
        listed[0].GetProperty("duration").GetDouble().ShouldBe(TestMedia.DurationSeconds);
        fixture.Origin.CountRequests("POST /youtubei/v1/browse").ShouldBe(browsesBefore + 2);
    }

    [Fact]
    public async Task A_listing_stops_at_the_configured_limit_and_says_it_was_truncated()
    {
        await using var service = ServiceFactory.Start(Settings(("Limits:MaxPlaylistVideos", "4")));
        using var http = service.CreateClient();
        var (playlistId, videos) = NewPlaylist(8);

        var (status, listing) = await GetPlaylistAsync(http, $"https://www.youtube.com/watch?v={videos[0]}&list={playlistId}");

        status.ShouldBe(HttpStatusCode.OK, listing.ToString());
        listing.GetProperty("videos").EnumerateArray().Select(v => v.Text("videoId")).ShouldBe(videos.Take(4));
        listing.GetProperty("truncated").GetBoolean().ShouldBeTrue();
    }

    [Fact]
    public async Task A_channel_handle_is_resolved_and_its_videos_tab_listed()
    {
        using var http = fixture.CreateClient();
        var videos = Enumerable.Range(0, 4).Select(i => ("c" + i + Guid.NewGuid().ToString("N"))[..11]).ToList();
        var channelId = ("UC" + Guid.NewGuid().ToString("N"))[..24];
        var handle = "@test" + Guid.NewGuid().ToString("N")[..8];
        fixture.Origin.Channels[channelId] = (handle, videos);

        var (status, listing) = await GetPlaylistAsync(http, $"https://www.youtube.com/{handle}/videos");

        status.ShouldBe(HttpStatusCode.OK, listing.ToString());
        listing.Text("playlistId").ShouldBe(channelId);
        listing.Text("title").ShouldBe($"Test channel {handle}");
        listing.GetProperty("videos").EnumerateArray().Select(v => v.Text("videoId")).ShouldBe(videos);
    }

    [Theory]
    [InlineData("https://www.youtube.com/playlist?list=PL11111111111111111111111111111111", HttpStatusCode.NotFound, "The playlist does not exist.")]
    [InlineData("https://www.youtube.com/watch?v=FAqYW76GLPA&list=RDFAqYW76GLPA", HttpStatusCode.UnprocessableEntity, "This is a mix")]
    [InlineData("https://www.youtube.com/@nobodyhere123", HttpStatusCode.NotFound, "no playlist or channel")]
    [InlineData("https://youtu.be/dQw4w9WgXcQ", HttpStatusCode.BadRequest, "not a playlist or a channel")]
    [InlineData("https://youtube.com.evil.example/playlist?list=PL11111111111111111111111111111111", HttpStatusCode.BadRequest, "Only YouTube links")]
    public async Task A_list_that_cannot_be_listed_is_refused_with_the_reason(string url, HttpStatusCode expected, string reason)
    {
        using var http = fixture.CreateClient();

        var (status, problem) = await GetPlaylistAsync(http, url);

        status.ShouldBe(expected, problem.ToString());
        problem.Text("detail").ShouldContain(reason);
    }

    [Fact]
    public async Task A_playlist_becomes_one_batch_in_order_beyond_the_queues_room_and_a_second_run_downloads_nothing()
    {
        // One slot and room for two waiting: a batch of five must wait in order, not be refused.
        await using var service = ServiceFactory.Start(Settings(("Jobs:MaxConcurrent", "1"), ("Jobs:MaxQueued", "2")));
        using var http = service.CreateClient();
        var (playlistId, videos) = NewPlaylist(5);
        var url = $"https://www.youtube.com/playlist?list={playlistId}";

        var (status, created) = await CreateBatchAsync(http, new { url, quality = "720p", all = true });

        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        var batch = created.Text("batch");
        created.GetProperty("jobs").EnumerateArray().Select(j => j.Text("videoId")).ShouldBe(videos);
        var ended = await WaitForBatchAsync(http, batch);
        ended.ShouldAllBe(j => j.Text("phase") == "done", string.Join("\n", ended));
        ended.ShouldAllBe(j => j.GetProperty("batch").GetString() == batch);
        ended.Select(j => j.GetProperty("startedAt").GetDateTimeOffset()).ShouldBeInOrder(SortDirection.Ascending);
        var folder = Directory.CreateTempSubdirectory("ytd-batch-").FullName;
        foreach (var (job, video) in ended.Zip(videos))
        {
            var result = job.GetProperty("result");
            result.Text("videoId").ShouldBe(video);
            result.Text("key").ShouldStartWith($"youtube/{video}/");
            var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(result.Text("key"), folder));
            (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
            probe.Audio.CodecName.ShouldBe("aac");
        }

        var mediaBefore = fixture.Origin.CountRequests("GET /media/");
        var (againStatus, again) = await CreateBatchAsync(http, new { url, quality = "720p", all = true });
        againStatus.ShouldBe(HttpStatusCode.Accepted, again.ToString());
        var rerun = await WaitForBatchAsync(http, again.Text("batch"));

        rerun.ShouldAllBe(j => j.Text("phase") == "done" && j.GetProperty("reused").GetBoolean(), string.Join("\n", rerun));
        rerun.Select(j => j.GetProperty("result").Text("key")).ShouldBe(ended.Select(j => j.GetProperty("result").Text("key")));
        fixture.Origin.CountRequests("GET /media/").ShouldBe(mediaBefore);
    }

    [Fact]
    public async Task Chosen_videos_of_a_playlist_become_a_batch_of_only_those()
    {
        using var http = fixture.CreateClient();
        var (playlistId, videos) = NewPlaylist(4);

        var (status, created) = await CreateBatchAsync(http, new
        {
            url = $"https://www.youtube.com/playlist?list={playlistId}", quality = "audio", videoIds = new[] { videos[3], videos[1] },
        });

        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        var ended = await WaitForBatchAsync(http, created.Text("batch"));
        // In the playlist's order, whatever order they were chosen in.
        ended.Select(j => j.Text("videoId")).ShouldBe([videos[1], videos[3]]);
        ended.ShouldAllBe(j => j.Text("phase") == "done" && j.GetProperty("result").Text("key").EndsWith("_audio.m4a"), string.Join("\n", ended));
    }

    [Fact]
    public async Task A_playlist_link_without_all_or_video_ids_is_a_400_that_says_what_to_send()
    {
        using var http = fixture.CreateClient();
        var (playlistId, videos) = NewPlaylist(2);

        var (status, problem) = await CreateBatchAsync(http, new { url = $"https://www.youtube.com/playlist?list={playlistId}", quality = "720p" });
        var (strangerStatus, stranger) = await CreateBatchAsync(http, new
        {
            url = $"https://www.youtube.com/playlist?list={playlistId}", quality = "720p", videoIds = new[] { "zzzzzzzzzzz" },
        });

        status.ShouldBe(HttpStatusCode.BadRequest);
        problem.Text("detail").ShouldContain("\"all\": true");
        strangerStatus.ShouldBe(HttpStatusCode.BadRequest);
        stranger.Text("detail").ShouldContain("zzzzzzzzzzz");
        videos.ShouldNotContain("zzzzzzzzzzz");
    }

    [Fact]
    public async Task Cancelling_a_batch_stops_its_running_and_waiting_jobs_and_leaves_no_open_multipart_upload()
    {
        fixture.Origin.BytesPerSecondPerConnection = FakeOrigin.CrawlBytesPerSecond;
        await using var service = ServiceFactory.Start(Settings(("Jobs:MaxConcurrent", "2")));
        using var http = service.CreateClient();
        var (playlistId, _) = NewPlaylist(4);
        var (status, created) = await CreateBatchAsync(http, new { url = $"https://www.youtube.com/playlist?list={playlistId}", quality = "1080p", all = true });
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        var batch = created.Text("batch");
        await http.WaitUntilTransferringAsync(created.GetProperty("jobs")[0].Text("id"));

        using var cancel = await http.DeleteAsync($"/api/jobs?batch={batch}");
        var answer = await ApiClient.ReadJsonAsync(cancel);

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK, answer.ToString());
        var jobs = await WaitForBatchAsync(http, batch);
        jobs.ShouldAllBe(j => j.Text("phase") == "cancelled", string.Join("\n", jobs));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => jobs.Any(j => o.Key.StartsWith($"youtube/{j.Text("videoId")}/", StringComparison.Ordinal)));
        using var unknown = await http.DeleteAsync("/api/jobs?batch=nosuchbatch");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_jobs_database_from_before_batches_keeps_its_jobs_and_takes_batches()
    {
        var path = Path.Combine(Path.GetTempPath(), $"ytd-old-{Guid.NewGuid():N}.db");
        await using (var old = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path};Pooling=false"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            // The schema and a row exactly as the service wrote them before batches existed.
            create.CommandText = """
                CREATE TABLE jobs (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, phase TEXT NOT NULL, snapshot TEXT NOT NULL);
                INSERT INTO jobs (id, phase, snapshot) VALUES ('oldjob', 'Done',
                  '{"id":"oldjob","url":"https://youtu.be/aaaaaaaaaaa","videoId":"aaaaaaaaaaa","quality":"1280x720","title":"Old","key":"youtube/aaaaaaaaaaa/Old_1280x720.mp4","phase":"Done","downloadedBytes":5,"uploadedBytes":5,"totalBytes":5,"createdAt":"2026-11-01T00:00:00+00:00","attempts":1}');
                """;
            await create.ExecuteNonQueryAsync();
        }
        await using var service = ServiceFactory.Start(Settings(("Jobs:DatabasePath", path)));
        using var http = service.CreateClient();
        var (playlistId, videos) = NewPlaylist(1);

        var oldJob = await http.GetJobAsync("oldjob");
        var (status, created) = await CreateBatchAsync(http, new { url = $"https://www.youtube.com/playlist?list={playlistId}", quality = "360p", all = true });

        oldJob.Text("phase").ShouldBe("done");
        oldJob.GetProperty("batch").ValueKind.ShouldBe(JsonValueKind.Null);
        oldJob.Text("format").ShouldBe("mp4");
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        (await WaitForBatchAsync(http, created.Text("batch"))).ShouldHaveSingleItem().Text("phase").ShouldBe("done");
        (await http.ListJobsAsync()).Select(j => j.Text("id")).ShouldContain("oldjob");
    }

    private static async Task<(HttpStatusCode, JsonElement)> GetPlaylistAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync($"/api/playlist?url={Uri.EscapeDataString(url)}");
        return (response.StatusCode, await ApiClient.ReadJsonAsync(response));
    }

    private static async Task<(HttpStatusCode, JsonElement)> CreateBatchAsync(HttpClient http, object body)
    {
        using var response = await http.PostAsJsonAsync("/api/jobs", body);
        return (response.StatusCode, await ApiClient.ReadJsonAsync(response));
    }

    /// <summary>Polls the batch until every job has ended.</summary>
    private static async Task<List<JsonElement>> WaitForBatchAsync(HttpClient http, string batch)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            using var response = await http.GetAsync($"/api/jobs?batch={batch}");
            var answer = await ApiClient.ReadJsonAsync(response);
            response.StatusCode.ShouldBe(HttpStatusCode.OK, answer.ToString());
            var jobs = answer.GetProperty("jobs").EnumerateArray().ToList();
            if (jobs.All(j => j.HasEnded()))
                return jobs;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Batch {batch} did not end in time: {answer}");
            await Task.Delay(200);
        }
    }
}
