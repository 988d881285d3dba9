using System.Net;
using System.Text.Json;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>A 1080p video of a few megabytes (one 10 s clip) and its audio: long enough to be cut off after a megabyte.</summary>
public sealed class CutOffMediaFixture : ServiceFixture
{
    protected override Task PrepareMediaAsync(TestMedia media) => media.EnlargeAsync(1);

    // The shipped chunk size: the fetch session keeps the chunk ffmpeg comes back to (the head, read again after its
    // look at the end), so the next client is asked only for bytes after the cut, as on a real job.
    // Short retry delays: a URL reset try after try is handed over only once its retries are spent.
    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings.Remove("Pipeline:ChunkSize");
        settings["Pipeline:RetryDelay"] = "00:00:00.050";
    }
}

/// <summary>
/// YouTube refusing a client's streams part-way, as it does with a client whose token it does not accept: the job asks
/// the next client and goes on at the byte, inside the same upload; a pre-roll ad is waited out before the first byte.
/// </summary>
public sealed class ClientFailoverSpecs(CutOffMediaFixture fixture) : IClassFixture<CutOffMediaFixture>
{
    private const long OneMebibyte = 1024 * 1024;

    [Fact]
    public async Task A_stream_cut_off_for_one_client_goes_on_at_the_byte_with_the_next_and_stores_the_same_object()
    {
        const string cut = "cutoffonce1", whole = "cutoffnone1";
        var video = fixture.Media.Video1080;
        video.Length.ShouldBeGreaterThan(2 * OneMebibyte);
        fixture.Origin.CutOffFirstClients(cut, OneMebibyte);
        await LoadThePlayerAsync();

        var job = await RunJobAsync(cut);
        var reference = await RunJobAsync(whole);

        job.Text("phase").ShouldBe("done", job.ToString());
        var clients = fixture.Origin.ClientsAsked(cut);
        clients.Count.ShouldBeGreaterThanOrEqualTo(2);
        var (refused, next) = (clients[0], clients[1]);
        var handover = job.GetProperty("handovers").EnumerateArray().ShouldHaveSingleItem();
        handover.Text("from").ShouldEndWith(refused);
        handover.Text("to").ShouldEndWith(next);
        handover.Text("reason").ShouldContain("403");
        handover.GetProperty("atByte").GetInt64().ShouldBeGreaterThan(0);
        // Each range in flight goes on where its bytes stopped arriving (a cut connection loses what was still in
        // flight, so that can be short of the megabyte the origin sent), never at the start: nothing is fetched twice.
        var fromNext = fixture.Origin.MediaRequests.Where(r => r.Video == cut && r.Name == video.Name && r.Client == next).ToList();
        fromNext.ShouldNotBeEmpty($"{next} was never asked for the video stream");
        fromNext.ShouldAllBe(r => r.From > 0, "the next client started the stream again instead of going on at the byte");
        job.Text("provider").ShouldEndWith(next);
        var streams = video.Length + fixture.Media.AacAudio.Length;
        job.GetProperty("fetchedBytes").GetInt64().ShouldBeLessThanOrEqualTo((long)(streams * 1.05));

        var folder = Directory.CreateTempSubdirectory("ytd-failover-").FullName;
        // Each file carries its own video's tags: the packets are what must be equal.
        var stored = await Ffprobe.MediaHashAsync(await fixture.S3.DownloadAsync(job.GetProperty("result").Text("key"), folder));
        var expected = await Ffprobe.MediaHashAsync(await fixture.S3.DownloadAsync(reference.GetProperty("result").Text("key"), folder));
        stored.ShouldBe(expected);
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_stream_whose_connection_is_reset_at_the_same_byte_try_after_try_goes_on_with_the_next_client()
    {
        const string id = "cutoffreset";
        var video = fixture.Media.Video1080;
        fixture.Origin.CutOffFirstClients(id, OneMebibyte, byReset: true);
        await LoadThePlayerAsync();

        var job = await RunJobAsync(id);

        job.Text("phase").ShouldBe("done", job.ToString());
        var (reset, next) = (fixture.Origin.ClientsAsked(id)[0], fixture.Origin.ClientsAsked(id)[1]);
        var handover = job.GetProperty("handovers").EnumerateArray().ShouldHaveSingleItem();
        handover.Text("from").ShouldEndWith(reset);
        handover.Text("to").ShouldEndWith(next);
        handover.Text("reason").ShouldContain("a failure after 5 retries");
        fixture.Origin.MediaRequests.Where(r => r.Video == id && r.Name == video.Name && r.Client == next)
            .ShouldAllBe(r => r.From > 0, "the next client started the stream again instead of going on at the byte");
        var stored = await fixture.S3.ListObjectsAsync();
        stored.ShouldContain(o => o.Key == job.GetProperty("result").Text("key"));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("cutoffevery", false)]
    [InlineData("cutoffevres", true)]
    public async Task A_stream_every_client_is_cut_off_from_fails_with_what_each_answered(string id, bool byReset)
    {
        fixture.Origin.CutOffFirstClients(id, OneMebibyte, clients: int.MaxValue, byReset);

        var job = await RunJobAsync(id);

        job.Text("phase").ShouldBe("failed", job.ToString());
        var error = job.Text("error");
        fixture.Origin.ClientsAsked(id).Count.ShouldBeGreaterThan(1, "no second client was asked");
        foreach (var client in fixture.Origin.ClientsAsked(id))
            error.ShouldContain(client, Case.Sensitive, error);
        error.ShouldContain("no other client could go on");
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
    }

    [Fact]
    public async Task A_video_behind_a_pre_roll_ad_waits_it_out_then_downloads()
    {
        const string id = "prerollwait";
        fixture.Origin.PreRoll(id, TimeSpan.FromSeconds(3));
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();

        var (status, created, _) = await http.CreateJobAsync(id, "1080p");
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        var events = await http.ReadEventsAsync(created.Text("id"));

        var waiting = events.Select(e => e.Data).Where(j => j.Text("phase") == "waiting").ToList();
        waiting.ShouldNotBeEmpty("the job never showed the phase waiting");
        waiting[0].GetProperty("waitingSeconds").GetDouble().ShouldBeInRange(1, 3);
        events[^1].Data.Text("phase").ShouldBe("done", events[^1].Data.ToString());
        fixture.Origin.RefusedBeforePlayable.ShouldBe(0);
    }

    /// <summary>
    /// The next client may need the player JavaScript, which takes its first load with a 10 s limit: on a machine as
    /// busy as these, that first load is done here, before the job, so the job measures the handover, not the load.
    /// </summary>
    private async Task LoadThePlayerAsync()
    {
        const string ciphered = "cipherwarm1";
        fixture.Origin.Youtube[ciphered] = YoutubeBehaviour.CipherOnly;
        using var http = fixture.CreateClient();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if ((await http.GetVideoAsync(ciphered)).Status == HttpStatusCode.OK)
                return;
        }
    }

    private async Task<JsonElement> RunJobAsync(string id)
    {
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = fixture.CreateClient();
        var (status, created, _) = await http.CreateJobAsync(id, "1080p");
        status.ShouldBe(HttpStatusCode.Accepted, created.ToString());
        return await http.WaitForEndAsync(created.Text("id"), TimeSpan.FromMinutes(3));
    }
}
