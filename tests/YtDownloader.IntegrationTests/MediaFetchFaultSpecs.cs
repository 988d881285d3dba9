using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

/// <summary>
/// Alone, after the classes that run in parallel: these specs start several services, and WebApplicationFactory
/// can mistake a host built at the same moment by another class (a fake origin, a mux feed) for its own.
/// </summary>
[CollectionDefinition(nameof(MediaFetchFaultSpecs), DisableParallelization = true)]
public sealed class MediaFetchFaultCollection;

/// <summary>The media server misbehaving under the parallel ranged fetch: every fault is retried at its byte offset or ends in a clear error.</summary>
[Collection(nameof(MediaFetchFaultSpecs))]
public sealed class MediaFetchFaultSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private MediaFile Muxed => fixture.Media.Muxed360;

    [Fact]
    public async Task Ranges_fetched_in_parallel_arrive_in_order_one_request_per_range()
    {
        const string id = "parallelrng";
        await using var service = StartService(("Pipeline:ParallelRanges", "4"));
        var before = fixture.Origin.CountRequests($"GET /media/{Muxed.Name}");

        var (status, body) = await UploadAsync(service, id, "360p");

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await StoredMediaHashAsync(body)).ShouldBe(await Ffprobe.MediaHashAsync(Muxed.Path));
        (fixture.Origin.CountRequests($"GET /media/{Muxed.Name}") - before).ShouldBe(RangeCount(Muxed));
    }

    [Fact]
    public async Task Origin_5xx_answers_are_retried_with_backoff_and_the_video_arrives_whole()
    {
        const string id = "fivexxonce1";
        await using var service = StartService();
        var before = fixture.Origin.CountRequests($"GET /media/{Muxed.Name}");
        fixture.Origin.FailRequests(Muxed.Name, 503, times: 2);

        var (status, body) = await UploadAsync(service, id, "360p");

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await StoredMediaHashAsync(body)).ShouldBe(await Ffprobe.MediaHashAsync(Muxed.Path));
        (fixture.Origin.CountRequests($"GET /media/{Muxed.Name}") - before).ShouldBeGreaterThan(RangeCount(Muxed));
    }

    [Fact]
    public async Task An_origin_that_keeps_answering_5xx_gives_a_clear_error_and_leaves_nothing_in_the_bucket()
    {
        const string id = "fivexxevery";
        await using var service = StartService(("Pipeline:MaxRetries", "2"));
        fixture.Origin.FailRequests(Muxed.Name, 503, times: int.MaxValue);
        try
        {
            var (status, body) = await UploadAsync(service, id, "360p");

            status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
            // Every client's URL answers the same: each is given its retries, then the next is asked.
            body.Text("detail").ShouldContain("after 2 retries");
            body.Text("detail").ShouldContain("HTTP 503");
            await ShouldLeaveNothingAsync(id);
        }
        finally
        {
            fixture.Origin.FailRequests(Muxed.Name, 503, times: 0);
        }
    }

    [Fact]
    public async Task A_body_shorter_than_its_Content_Length_is_detected_and_resumed_at_the_byte_offset()
    {
        const string id = "shortbody01";
        await using var service = StartService();
        fixture.Origin.InjectAt(Muxed.Name, MediaFault.ShortBody, Muxed.Length / 2 + 77);

        var (status, body) = await UploadAsync(service, id, "360p");

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await StoredMediaHashAsync(body)).ShouldBe(await Ffprobe.MediaHashAsync(Muxed.Path));
    }

    [Fact]
    public async Task A_stalled_origin_is_given_up_on_after_the_idle_timeout_and_resumed_at_the_byte_offset()
    {
        const string id = "stalledonce";
        await using var service = StartService();
        fixture.Origin.InjectAt(Muxed.Name, MediaFault.Stall, Muxed.Length / 3 + 5);

        var (status, body) = await UploadAsync(service, id, "360p");

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        (await StoredMediaHashAsync(body)).ShouldBe(await Ffprobe.MediaHashAsync(Muxed.Path));
    }

    [Fact]
    public async Task An_origin_that_stalls_on_every_try_gives_a_clear_error_and_leaves_nothing_in_the_bucket()
    {
        const string id = "stallsevery";
        await using var service = StartService(("Pipeline:MaxRetries", "1"));
        fixture.Origin.InjectAt(Muxed.Name, MediaFault.Stall, Muxed.Length / 3, times: int.MaxValue);
        try
        {
            var (status, body) = await UploadAsync(service, id, "360p");

            status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
            body.Text("detail").ShouldContain("sent nothing for 1 s");
            await ShouldLeaveNothingAsync(id);
        }
        finally
        {
            fixture.Origin.InjectAt(Muxed.Name, MediaFault.Stall, Muxed.Length / 3, times: 0);
        }
    }

    [Theory]
    [InlineData(MediaFault.ShortBody)]
    [InlineData(MediaFault.Stall)]
    public async Task A_fault_while_ffmpeg_reads_the_audio_is_resumed_and_the_merge_completes(MediaFault fault)
    {
        var id = $"muxfault{(int)fault:000}";
        await using var service = StartService();
        // The M4A keeps its index at the end: ffmpeg opens it at several offsets, each a ranged fetch of its own.
        fixture.Origin.InjectAt(fixture.Media.AacAudio.Name, fault, fixture.Media.AacAudio.Length / 2);

        var (status, body) = await UploadAsync(service, id, "1080p");

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName));
        (probe.Video.Width, probe.Video.Height).ShouldBe((1920, 1080));
        probe.Audio.CodecName.ShouldBe("aac");
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
    }

    /// <summary>A service like the fixture's (64 KiB ranges), with a 1 s idle timeout and short retry delays, plus the given settings.</summary>
    private ServiceFactory StartService(params (string Key, string Value)[] overrides)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings["Pipeline:IdleTimeout"] = "00:00:01";
        settings["Pipeline:RetryDelay"] = "00:00:00.050";
        foreach (var (key, value) in overrides)
            settings[key] = value;
        return ServiceFactory.Start(settings);
    }

    private static int RangeCount(MediaFile media) => (int)((media.Length + 65535) / 65536);

    private async Task<(HttpStatusCode Status, System.Text.Json.JsonElement Body)> UploadAsync(ServiceFactory service, string id, string quality)
    {
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        using var http = service.CreateClient();
        var (status, body, _) = await http.UploadAsync(new { url = id, quality });
        return (status, body);
    }

    /// <summary>The stored MP4 is remuxed (it carries tags and cover art): its packets are what must be the source's.</summary>
    private async Task<string> StoredMediaHashAsync(System.Text.Json.JsonElement body) =>
        await Ffprobe.MediaHashAsync(await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName));

    private async Task ShouldLeaveNothingAsync(string id)
    {
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }
}
