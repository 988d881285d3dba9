using System.Net;
using YtDownloader.IntegrationTests.TestSupport;

namespace YtDownloader.IntegrationTests;

public sealed class FaultSpecs(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    [Fact]
    public async Task A_connection_dropped_mid_stream_is_resumed_and_the_object_has_the_sources_exact_packets()
    {
        const string id = "dropdropdr1";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        var media = fixture.Media.Muxed360;
        fixture.Origin.DropConnectionOnceAt(media.Name, media.Length / 2 + 123);
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = $"https://youtu.be/{id}", quality = "640x360" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var path = await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName);
        (await Ffprobe.MediaHashAsync(path)).ShouldBe(await Ffprobe.MediaHashAsync(media.Path));
    }

    [Fact]
    public async Task A_connection_dropped_while_ffmpeg_reads_is_resumed_and_the_merge_completes()
    {
        const string id = "dropdropdr2";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        fixture.Origin.DropConnectionOnceAt(fixture.Media.Video1080.Name, fixture.Media.Video1080.Length / 3);
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "1080p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName));
        (probe.Video.Width, probe.Video.Height).ShouldBe((1920, 1080));
        probe.Duration.ShouldBe(TestMedia.DurationSeconds, tolerance: 0.2);
    }

    [Fact]
    public async Task When_YouTube_asks_for_a_bot_check_the_Invidious_backup_serves_the_video()
    {
        const string id = "botcheckbot";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        fixture.Origin.Invidious[id] = true;
        using var http = fixture.CreateClient();

        var (status, body, _) = await http.GetVideoAsync($"https://m.youtube.com/watch?v={id}");
        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        body.Text("source").ShouldStartWith("Invidious");
        body.Text("title").ShouldBe($"Invidious copy of {id}");

        var upload = await http.UploadAsync(new { url = id, quality = "1280x720" });
        upload.Status.ShouldBe(HttpStatusCode.OK, upload.Body.ToString());
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(upload.Body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName));
        probe.Video.CodecName.ShouldBe("h264");
        probe.Audio.CodecName.ShouldBe("aac");
    }

    [Fact]
    public async Task When_every_source_refuses_I_am_told_what_each_said()
    {
        const string id = "botcheckbo2";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.BotCheck;
        using var http = fixture.CreateClient();

        var (status, body, contentType) = await http.GetVideoAsync(id);

        contentType.ShouldBe("application/problem+json");
        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.Text("detail").ShouldContain("not a bot");
    }

    [Fact]
    public async Task When_VISIONOS_gets_only_SABR_the_embedded_players_ciphered_signatures_and_n_are_solved_with_the_2026_player()
    {
        const string id = "cipheredvid";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.CipherOnly;
        using var http = fixture.CreateClient();
        // Another test's service of its own may have fetched the player from the same origin: this service fetches it once at most.
        var before = fixture.Origin.CountRequests("GET /s/player/c9168c90/");

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "720p" });

        status.ShouldBe(HttpStatusCode.OK, body.ToString());
        fixture.Origin.CountRequests("GET /s/player/c9168c90/").ShouldBeInRange(Math.Max(before, 1), before + 1);
        var probe = await Ffprobe.ProbeAsync(await fixture.S3.DownloadAsync(body.Text("key"), Directory.CreateTempSubdirectory("ytd-fault-").FullName));
        (probe.Video.Width, probe.Video.Height).ShouldBe((1280, 720));
        probe.Audio.CodecName.ShouldBe("aac");
    }

    [Theory]
    [InlineData(YoutubeBehaviour.Private, "private")]
    [InlineData(YoutubeBehaviour.Live, "live stream")]
    public async Task A_video_that_cannot_be_downloaded_gives_422_with_its_reason(YoutubeBehaviour behaviour, string reason)
    {
        var id = $"unplayable{(int)behaviour}";
        fixture.Origin.Youtube[id] = behaviour;
        using var http = fixture.CreateClient();

        var (status, body, contentType) = await http.UploadAsync(new { url = $"https://www.youtube.com/watch?v={id}", quality = "720p" });

        status.ShouldBe(HttpStatusCode.UnprocessableEntity);
        contentType.ShouldBe("application/problem+json");
        body.Text("detail").ShouldContain(reason, Case.Insensitive);
        body.GetProperty("success").GetBoolean().ShouldBeFalse();
        body.Text("error").ShouldBe(body.Text("detail"));
    }

    [Fact]
    public async Task An_unreachable_S3_gives_a_clear_error_and_leaves_nothing_behind()
    {
        const string id = "s3downs3dow";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith("Storage:S3:ServiceUrl", "http://127.0.0.1:9");
        using var http = service.CreateClient();

        var (status, body, _) = await http.UploadAsync(new { url = id, quality = "1280x720" });

        status.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.Text("detail").ShouldContain("S3");
        body.GetProperty("success").GetBoolean().ShouldBeFalse();
        (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
        (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_download_that_fails_for_good_aborts_the_multipart_upload()
    {
        const string id = "failsforgoo";
        fixture.Origin.Youtube[id] = YoutubeBehaviour.Playable;
        await using var service = StartServiceWith("Pipeline:MaxRetries", "0");
        using var http = service.CreateClient();
        // Cut on every try, whichever client's URL: no handover to another client can save it.
        var (media, cut) = (fixture.Media.Muxed360.Name, fixture.Media.Muxed360.Length / 2);
        fixture.Origin.InjectAt(media, MediaFault.Drop, cut, times: int.MaxValue);
        try
        {
            var (status, body, _) = await http.UploadAsync(new { url = id, quality = "360p" });

            status.ShouldBe(HttpStatusCode.BadGateway, body.ToString());
            body.Text("detail").ShouldContain("byte");
            (await fixture.S3.ListObjectsAsync()).ShouldNotContain(o => o.Key.Contains(id));
            (await fixture.S3.ListOpenUploadsAsync()).ShouldBeEmpty();
        }
        finally
        {
            fixture.Origin.InjectAt(media, MediaFault.Drop, cut, times: 0);
        }
    }

    /// <summary>A second service, configured like the fixture's but for one setting.</summary>
    private ServiceFactory StartServiceWith(string key, string value)
    {
        var settings = ServiceFactory.S3Settings(fixture.Origin, fixture.S3);
        settings[key] = value;
        return ServiceFactory.Start(settings);
    }
}
